/**
 * `compute(owner, key)` remembered per owner and key, for pure answers asked on every evaluation (the rule set
 * in force on a date, a date's deadlines under a version's parameters). Owners are frozen objects (catalogues,
 * parameters): held weakly, so a catalogue dropped takes its answers with it. A few thousand dates a decade: an
 * owner's answers are dropped past `limit`, which bounds memory whatever the keys.
 */
export function memoPerOwner<O extends object, T>(compute: (owner: O, key: string) => T, limit = 100_000): (owner: O, key: string) => T {
  const byOwner = new WeakMap<O, Map<string, T>>();
  return (owner, key) => {
    let answers = byOwner.get(owner);
    if (!answers) byOwner.set(owner, (answers = new Map()));
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = compute(owner, key);
      if (answers.size >= limit) answers.clear();
      answers.set(key, answer);
    }
    return answer;
  };
}
