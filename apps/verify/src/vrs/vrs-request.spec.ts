import { parseVrsRequest, VrsRequestError } from './vrs-request';

const GTIN = '00614141123452';
const GLN = '0614141000012';
const UUID = '6a0e3f06-1c9d-4d5e-9a2b-0c4f7a1b2c3d';
const QUERY = `linkType=verificationService&context=dscsaSaleableReturn&reqGLN=${GLN}&corrUUID=${UUID}`;

function refusal(url: string): VrsRequestError {
  try {
    parseVrsRequest(url);
  } catch (e) {
    if (e instanceof VrsRequestError) return e;
    throw e;
  }
  throw new Error(`${url} was accepted`);
}
const params = (url: string) => refusal(url).errors.map((e) => e.param);

describe('parseVrsRequest: verification requests', () => {
  const expected = { kind: 'verify', reqGLN: GLN, corrUUID: UUID, context: 'dscsaSaleableReturn', gtin: GTIN, serial: 'SER001', lot: 'LOT42', expiry: '280630' };

  it('reads lot and serial from the path and the expiry from the query', () => {
    expect(parseVrsRequest(`/01/${GTIN}/10/LOT42/21/SER001?17=280630&${QUERY}`)).toMatchObject(expected);
  });

  it('reads lot and expiry from the query, under a path prefix, with the gs1: link type', () => {
    const r = parseVrsRequest(`/vrs/01/${GTIN}/21/SER001?10=LOT42&17=280630&${QUERY.replace('verificationService', 'gs1:verificationService')}`);
    expect(r).toMatchObject(expected);
  });

  it('reads the Digital Link 1.0 short names routers send, the expiry included', () => {
    expect(parseVrsRequest(`/gtin/${GTIN}/lot/LOT42/ser/SER001?exp=280630&${QUERY}`)).toMatchObject(expected);
    // a lot called "gtin" in a numeric path stays a lot
    expect(parseVrsRequest(`/01/${GTIN}/10/gtin/21/SER001?17=280630&${QUERY}`)).toMatchObject({ lot: 'gtin', serial: 'SER001' });
  });

  it('percent-decodes values and keeps a serial named checkConnectivity a serial', () => {
    expect(parseVrsRequest(`/01/${GTIN}/10/LOT%2F1/21/A%25B?17=280600&${QUERY}`)).toMatchObject({ lot: 'LOT/1', serial: 'A%B', expiry: '280600' });
    expect(parseVrsRequest(`/01/${GTIN}/10/L/21/checkConnectivity?17=280630&${QUERY}`)).toMatchObject({ kind: 'verify', serial: 'checkConnectivity' });
  });

  it('accepts a request without linkType and ignores parameters it does not use', () => {
    const q = QUERY.replace('linkType=verificationService&', '');
    expect(parseVrsRequest(`/01/${GTIN}/10/LOT42/21/SER001?17=280630&${q}&ctrlPossessAtt=true&email=a%40b.example`)).toMatchObject(expected);
  });

  it('refuses missing and malformed requester GLN, correlation UUID and context, all at once', () => {
    expect(params(`/01/${GTIN}/10/L/21/S?17=280630&context=dscsaSaleableReturn`)).toEqual(['reqGLN', 'corrUUID']);
    expect(params(`/01/${GTIN}/10/L/21/S?17=280630&${QUERY.replace(GLN, '0614141000013')}`)).toEqual(['reqGLN']);
    expect(params(`/01/${GTIN}/10/L/21/S?17=280630&${QUERY.replace(UUID, 'not-a-uuid')}`)).toEqual(['corrUUID']);
    expect(params(`/01/${GTIN}/10/L/21/S?17=280630&${QUERY.replace('dscsaSaleableReturn', 'dscsaWhatever')}`)).toEqual(['context']);
    expect(params(`/01/${GTIN}/10/L/21/S?17=280630&${QUERY.replace('&context=dscsaSaleableReturn', '')}`)).toEqual(['context']);
    expect(params(`/01/${GTIN}/10/L/21/S?17=280630&${QUERY.replace('verificationService', 'gs1:pip')}`)).toEqual(['linkType']);
  });

  it('refuses a request without serial, lot or expiry', () => {
    expect(params(`/01/${GTIN}?${QUERY}`)).toEqual(['21', '10', '17']);
  });

  it('refuses a parameter given twice rather than pick one', () => {
    expect(params(`/01/${GTIN}/10/L/21/S?17=280630&${QUERY}&reqGLN=${GLN}`)).toEqual(['reqGLN']);
  });

  it('refuses what is not a GS1 Digital Link: bad check digit, bad date, qualifiers out of order', () => {
    expect(refusal(`/01/00614141123453/10/L/21/S?17=280630&${QUERY}`).message).toMatch(/Digital Link/);
    expect(params(`/01/${GTIN}/10/L/21/S?17=281331&${QUERY}`)).toHaveLength(1);
    expect(params(`/01/${GTIN}/21/S/10/L?17=280630&${QUERY}`)).toHaveLength(1);
    expect(params(`/01/${GTIN}/10/L/21/S?17=280630&17=280631&${QUERY}`)).toHaveLength(1);
  });

  it('keeps what it could read of a refused request, for the record', () => {
    expect(refusal(`/01/${GTIN}/10/L/21/S?17=280630&context=nope&corrUUID=${UUID}`).fields).toEqual({
      context: 'nope',
      corrUUID: UUID,
      gtin: GTIN,
      serial: 'S',
      lot: 'L',
      expiry: '280630',
    });
    expect(refusal(`/01/123/21/S?reqGLN=${GLN}&context=dscsaSaleableReturn`).fields).toEqual({ reqGLN: GLN, context: 'dscsaSaleableReturn' });
  });
});

describe('parseVrsRequest: checkConnectivity', () => {
  it('reads the checkConnectivity path, with or without a GTIN', () => {
    expect(parseVrsRequest(`/checkConnectivity?gtin=${GTIN}&reqGLN=${GLN}&context=dscsaSaleableReturn`)).toMatchObject({ kind: 'checkConnectivity', reqGLN: GLN, gtin: GTIN });
    expect(parseVrsRequest(`/checkConnectivity?reqGLN=${GLN}&corrUUID=${UUID}`)).toMatchObject({ kind: 'checkConnectivity', corrUUID: UUID, gtin: undefined });
  });

  it('reads a Digital Link request with context=checkConnectivity, needing no serial, lot, expiry or corrUUID', () => {
    expect(parseVrsRequest(`/01/${GTIN}?linkType=verificationService&context=checkConnectivity&reqGLN=${GLN}`)).toMatchObject({ kind: 'checkConnectivity', gtin: GTIN });
  });

  it('still needs a well-formed requester GLN and GTIN', () => {
    expect(params('/checkConnectivity')).toEqual(['reqGLN']);
    expect(params(`/checkConnectivity?reqGLN=${GLN}&gtin=123`)).toEqual(['gtin']);
    expect(params(`/checkConnectivity?reqGLN=${GLN}&corrUUID=nope`)).toEqual(['corrUUID']);
  });
});
