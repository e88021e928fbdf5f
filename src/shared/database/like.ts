/** A LIKE pattern matching `text` literally (its %, _ and \ escaped). */
export const literalLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
