/**
 * A label as lines of at most `width` characters, cut between words (a word longer than `width` keeps its line): Chart.js
 * draws an array as lines, and cuts a long single line at the axis' edge (the names of deadlines run to some 45 characters).
 */
export function wrapLabel(text: string, width = 24): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ').filter(Boolean)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 1 + word.length <= width) lines[last] = `${lines[last]} ${word}`;
    else lines.push(word);
  }
  return lines;
}
