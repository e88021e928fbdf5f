/** A URL as said in logs and messages: its password never. One that does not parse keeps its text, password masked. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
  }
}
