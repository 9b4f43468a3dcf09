import { checkAi, checkAis } from './ai';

describe('checkAi', () => {
  it('accepts valid DSCSA values and returns them', () => {
    expect(checkAis({ '01': '00614141123452', '21': 'ABC-123/x', '10': 'LOT.1', '17': '261200', '00': '106141412345678908' })).toBeTruthy();
    expect(checkAi('414', '0614141000005')).toBe('0614141000005');
    expect(checkAi('3103', '000525')).toBe('000525'); // not ours to check beyond charset
  });

  it.each([
    ['01', '0614141123452', 'BAD_LENGTH'], // AI (01) is always 14 digits
    ['01', '00614141123453', 'CHECK_DIGIT'],
    ['00', '106141412345678907', 'CHECK_DIGIT'],
    ['417', '061414100000', 'BAD_LENGTH'],
    ['17', '251301', 'BAD_DATE'],
    ['11', '250230', 'BAD_DATE'],
    ['21', 'A'.repeat(21), 'BAD_LENGTH'],
    ['10', '', 'BAD_LENGTH'],
    ['21', 'ABC 1', 'BAD_CHARSET'],
    ['240', 'X'.repeat(91), 'BAD_LENGTH'],
    ['1', 'x', 'UNKNOWN_FORMAT'],
    ['constructor', 'x', 'UNKNOWN_FORMAT'],
  ])('(%s) %j -> %s', (ai, value, code) => {
    expect(() => checkAi(ai, value)).toThrow(expect.objectContaining({ code, field: ai }));
  });

  it('names the AI in the message', () => {
    expect(() => checkAi('17', '259999')).toThrow(/^AI \(17\): /);
  });
});
