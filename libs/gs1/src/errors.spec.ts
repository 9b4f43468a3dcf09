import { Gs1Error } from './errors';

describe('Gs1Error', () => {
  it('is an Error carrying a stable code and the field at fault', () => {
    const error = new Gs1Error('CHECK_DIGIT', 'bad GTIN', '01');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(Gs1Error);
    expect(error).toMatchObject({ name: 'Gs1Error', code: 'CHECK_DIGIT', field: '01', message: 'bad GTIN' });
  });
});
