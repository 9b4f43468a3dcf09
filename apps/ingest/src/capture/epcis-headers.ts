import type { Request, Response } from 'express';
import { ProblemException } from '@app/platform';
import type { ErrorBehaviour } from './capture.service';

/** Versions of the EPCIS REST binding headers this server speaks. */
const EPCIS_VERSIONS = /^(2\.0(\.\d+)?|1\.2(\.\d+)?)$/;
const CBV_VERSIONS = /^2\.0(\.\d+)?$/;

/** Checks the GS1-EPCIS-Version / GS1-CBV-Version request headers (406 when unsupported) and answers with ours. */
export function negotiateEpcisVersions(req: Request, res: Response): void {
  const epcis = req.header('GS1-EPCIS-Version');
  const cbv = req.header('GS1-CBV-Version');
  if (epcis !== undefined && !EPCIS_VERSIONS.test(epcis)) throw new ProblemException(406, 'unsupported-epcis-version', `GS1-EPCIS-Version ${epcis} is not supported; use 2.0.0 or 1.2.0`);
  if (cbv !== undefined && !CBV_VERSIONS.test(cbv)) throw new ProblemException(406, 'unsupported-cbv-version', `GS1-CBV-Version ${cbv} is not supported; use 2.0.0`);
  res.setHeader('GS1-EPCIS-Version', '2.0.0');
  res.setHeader('GS1-CBV-Version', '2.0.0');
}

export function errorBehaviour(req: Request): ErrorBehaviour {
  const value = req.header('GS1-Capture-Error-Behaviour') ?? 'rollback';
  if (value !== 'rollback' && value !== 'proceed') throw new ProblemException(400, 'invalid-header', 'GS1-Capture-Error-Behaviour must be rollback or proceed');
  return value;
}

/** A batch signature over the document's event hash IDs (docs/signature-protocol.md). */
export function documentSignature(req: Request): string | undefined {
  return req.header('DSCSA-Signature');
}
