// A Plan as YAML for people (`vadc render`): keys in Plan order, lists of single values inline, and optionally a
// trailing comment per value (e.g. where it came from). Pure text work, so the CLI needs no YAML library of its own.
import { Document, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';

/**
 * YAML text of plain JSON data. `commentFor(key)`, when given, returns the comment for the value at a dotted key
 * (`model.patch`, `data.size`, `stages.0.epochs`); it is asked for every single value and every list of them.
 */
export function renderPlanYaml(plan: unknown, commentFor?: (key: string) => string | undefined): string {
  const document = new Document(plan);
  decorate(document.contents, [], commentFor);
  return document.toString({ lineWidth: 0 });
}

function decorate(node: unknown, path: string[], commentFor: ((key: string) => string | undefined) | undefined): void {
  const children: Array<[string, unknown]> = isMap(node)
    ? node.items.map((pair) => [String(isScalar(pair.key) ? pair.key.value : pair.key), pair.value])
    : isSeq(node) ? node.items.map((item, index) => [String(index), item]) : [];
  for (const [segment, child] of children) {
    const childPath = [...path, segment];
    const isLeaf = isScalar(child) || (isSeq(child) && child.items.every((item) => isScalar(item)));
    if (isSeq(child) && isLeaf) child.flow = true;
    if (!isLeaf) {
      decorate(child, childPath, commentFor);
      continue;
    }
    const comment = commentFor?.(childPath.join('.'));
    if (comment !== undefined) (child as YamlNode).comment = ` ${comment}`;
  }
}
