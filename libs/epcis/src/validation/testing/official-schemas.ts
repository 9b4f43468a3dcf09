/** Test helper (not exported from the library): the official EPCIS XSDs for a spec file's XML validation. */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { closeXsdValidator, epcisSchemaDir } from '../xsd-validator';

/** Fetches the XSDs before the file's tests when they are not there yet, and stops the validator worker after them. */
export function useOfficialSchemas(): void {
  beforeAll(() => {
    try {
      epcisSchemaDir();
    } catch {
      execFileSync('bash', [path.resolve(__dirname, '../../../../../scripts/fetch-schemas.sh')], { stdio: 'inherit', timeout: 600_000 });
    }
  }, 600_000);
  afterAll(() => closeXsdValidator());
}
