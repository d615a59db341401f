// A scan's arithmetic, the same as the server's (observations/scan_rules.py): each person
// counted has exactly one age and one gender, at most one activity, posture, …; a zone
// marked empty has nobody in it. The rules and the messages come with the page.

export function totals(counts) {
  return Object.fromEntries(Object.entries(counts).map(
    ([key, per]) => [key, Object.values(per).reduce((sum, n) => sum + n, 0)]));
}

// The number of people a scan counts: the largest total of the exactly-once groups.
export function people(counts, rules) {
  const total = totals(counts);
  return Math.max(0, ...rules.exactly_one.map((key) => total[key] || 0));
}

// What breaks the arithmetic, as messages (`t(key, values)` translates); empty: fine.
export function problems(counts, conditions, rules, t, locale) {
  const label = Object.fromEntries(Object.entries(rules.labels).map(
    ([key, names]) => [key, names[locale] || names.nl]));
  const total = totals(counts);
  const counted = Object.values(total).some((n) => n > 0);
  const empty = rules.empty !== null && conditions.includes(rules.empty);
  const found = [];
  if (rules.empty !== null && !empty && !counted) found.push(t("scan_empty"));
  if (empty && counted) found.push(t("scan_marked_empty", { n: Math.max(...Object.values(total)) }));
  const exactly = rules.exactly_one;
  const first = exactly[0];
  for (const other of exactly.slice(1)) {
    if ((total[other] || 0) !== (total[first] || 0)) {
      found.push(t("scan_totals_differ", { first: label[first], a: total[first] || 0,
                                           second: label[other], b: total[other] || 0 }));
    }
  }
  if (!exactly.length) return found;
  const n = people(counts, rules);
  for (const key of rules.at_most_one) {
    const count = total[key] || 0;
    if (count > n && n === 0) {
      found.push(t("scan_no_people", { category: label[key], count,
                                       exactly: exactly.map((k) => label[k]).join(", ") }));
    } else if (count > n) {
      found.push(t("scan_over", { category: label[key], count, n }));
    }
  }
  return found;
}
