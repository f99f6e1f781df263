import { expandArrayParameters } from '../../db/bound-parameters-driver';

describe('bound parameters: an array parameter is a list, as MikroORM inlines it', () => {
  it('gives each item of an array its own placeholder', () => {
    expect(expandArrayParameters('select 1 where id in (?) and org = ?', [['a', 'b', 'c'], 'o'])).toEqual({
      sql: 'select 1 where id in (?, ?, ?) and org = ?',
      bindings: ['a', 'b', 'c', 'o'],
    });
    expect(expandArrayParameters('select array[?]::uuid[]', [[]])).toEqual({
      sql: 'select array[]::uuid[]',
      bindings: [],
    });
  });

  it('leaves identifiers, escaped question marks and statements without arrays alone', () => {
    expect(expandArrayParameters('select ?? from t where a = ? and b \\? c and d in (?)', ['col', 1, [2, 3]])).toEqual({
      sql: 'select ?? from t where a = ? and b \\? c and d in (?, ?)',
      bindings: ['col', 1, 2, 3],
    });
    expect(expandArrayParameters('select ? as a', ['x'])).toEqual({ sql: 'select ? as a', bindings: ['x'] });
  });
});
