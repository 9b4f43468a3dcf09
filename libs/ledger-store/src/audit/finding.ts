/** The first inconsistency found: where it is and what is wrong. */
export interface AuditFinding {
  table: 'event_record' | 'access_record' | 'block' | 'tree_node' | 'epc_event' | 'event_party' | 'recall' | 'item_state' | 'checkpoint';
  /** Primary key of the offending row, or of the row that should be there. */
  key: string;
  block?: number;
  problem: string;
}

/** Ends the audit at its first finding; auditLog turns it into the report. */
export class Inconsistent extends Error {
  constructor(readonly finding: AuditFinding) {
    super(finding.problem);
  }
}

export const fail = (finding: AuditFinding): never => {
  throw new Inconsistent(finding);
};
