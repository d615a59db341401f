// Translated texts from the server: %(name)s placeholders filled in; a count of one (n)
// takes the `_one` form. No page access here, so node can check the scan rules with it.
export function say(strings, key, values = {}) {
  const text = (values.n === 1 && strings[`${key}_one`]) || strings[key] || key;
  return text.replace(/%\((\w+)\)[sd]/g, (_, name) => values[name] ?? "");
}
