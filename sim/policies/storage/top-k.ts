/**
 * A fixed-capacity best-k list of slots ordered by (key, tie) ascending, reused across calls (no
 * allocation per select). Insertion is O(k) worst case; k is small (≤ 36). Holders of slots
 * across a forget fix them with `moved` (-1 marks an entry whose record is gone).
 */
export class TopK {
  readonly keys: Float64Array;
  readonly ties: Float64Array;
  readonly items: Int32Array;
  length = 0;

  constructor(readonly capacity: number) {
    this.keys = new Float64Array(capacity);
    this.ties = new Float64Array(capacity);
    this.items = new Int32Array(capacity);
  }

  clear(): void {
    this.length = 0;
  }

  /** Would (key, tie) enter the list? */
  accepts(key: number, tie: number): boolean {
    if (this.length < this.capacity) return true;
    const j = this.length - 1;
    const k = this.keys[j] as number;
    return key < k || (key === k && tie < (this.ties[j] as number));
  }

  push(key: number, tie: number, item: number): void {
    if (this.capacity === 0 || !this.accepts(key, tie)) return;
    let i = this.length < this.capacity ? this.length++ : this.length - 1;
    const keys = this.keys;
    const ties = this.ties;
    const items = this.items;
    while (i > 0) {
      const pk = keys[i - 1] as number;
      if (pk < key || (pk === key && (ties[i - 1] as number) <= tie)) break;
      keys[i] = pk;
      ties[i] = ties[i - 1] as number;
      items[i] = items[i - 1] as number;
      i--;
    }
    keys[i] = key;
    ties[i] = tie;
    items[i] = item;
  }

  /**
   * A forget emptied slot `to` and moved the record of slot `from` into it: entries of `to`
   * become -1, entries of `from` become `to` (entries before `pos` are already taken).
   */
  moved(pos: number, from: number, to: number): void {
    const items = this.items;
    for (let i = pos; i < this.length; i++) {
      const s = items[i] as number;
      if (s === to) items[i] = -1;
      else if (s === from) items[i] = to;
    }
  }
}
