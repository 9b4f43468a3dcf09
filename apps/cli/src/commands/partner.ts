import { CliError } from '../cli-error';
import { callApi, writeOutput } from '../io';
import { readKeyFile } from './keys';

/**
 * `partner register --gln GLN --name NAME --role R[,R] [--prefix P[,P]] --key FILE [--valid-from ISO] [--valid-until ISO]`
 * Registers a partner and the public half of its key through ingest's admin endpoint.
 */
export async function registerPartner(opts: {
  ingest: string;
  adminToken?: string;
  gln?: string;
  name?: string;
  role?: string;
  prefix?: string;
  key?: string;
  validFrom?: string;
  validUntil?: string;
}): Promise<void> {
  if (!opts.adminToken) throw new CliError('--admin-token (or ADMIN_TOKEN) is required');
  if (!opts.gln || !opts.name || !opts.role) throw new CliError('--gln, --name and --role are required');
  const key = await readKeyFile(opts.key);
  const body = {
    gln: opts.gln,
    name: opts.name,
    roles: opts.role.split(','),
    companyPrefixes: opts.prefix ? opts.prefix.split(',') : undefined,
    keys: [{ kid: key.kid, publicJwk: key.publicJwk, validFrom: opts.validFrom ?? new Date().toISOString(), validUntil: opts.validUntil }],
  };
  const partner = await callApi('POST', new URL('/admin/partners', opts.ingest).href, body, { authorization: `Bearer ${opts.adminToken}` });
  await writeOutput(undefined, JSON.stringify(partner, null, 2));
}

/** `partner credential --gln GLN [--label L]`: issues an API credential (Bearer token) for a registered partner. */
export async function issueCredential(opts: { ingest: string; adminToken?: string; gln?: string; label?: string }): Promise<void> {
  if (!opts.adminToken) throw new CliError('--admin-token (or ADMIN_TOKEN) is required');
  if (!opts.gln) throw new CliError('--gln is required');
  const issued = await callApi('POST', new URL(`/admin/partners/${encodeURIComponent(opts.gln)}/credentials`, opts.ingest).href, { label: opts.label ?? 'cli' }, {
    authorization: `Bearer ${opts.adminToken}`,
  });
  await writeOutput(undefined, JSON.stringify(issued, null, 2));
}
