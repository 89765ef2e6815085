/**
 * A windowed list: only the rows near the viewport exist in the DOM; two
 * spacers stand in for the rest. Row heights are estimated until measured.
 * The list sticks to the bottom while the user is at the bottom (streaming),
 * and keeps the visible row in place when rows above it change height.
 */

interface VirtualListOptions<T> {
  key(item: T): string;
  /** Changes whenever the item must be re-rendered. */
  revision(item: T): number;
  render(item: T): HTMLElement;
  estimateHeight(item: T): number;
  /** Extra pixels rendered above and below the viewport. */
  overscanPx?: number;
}

interface RenderedRow {
  element: HTMLElement;
  revision: number;
}

const STICK_THRESHOLD_PX = 40;

export class VirtualList<T> {
  private items: readonly T[] = [];
  private readonly measured = new Map<string, number>();
  private readonly rendered = new Map<string, RenderedRow>();
  private offsets: number[] = [0];
  private offsetsDirty = true;
  private scheduled = false;
  private stickToBottom = true;
  /** Height added above the viewport by `prepend`, not yet scrolled past. */
  private pendingShift = 0;
  private readonly topSpacer: HTMLElement;
  private readonly bottomSpacer: HTMLElement;
  private readonly rows: HTMLElement;
  private readonly overscan: number;
  /** Rows currently in the DOM (for tests and the benchmark). */
  renderedCount = 0;

  constructor(
    readonly viewport: HTMLElement,
    private readonly options: VirtualListOptions<T>,
  ) {
    this.overscan = options.overscanPx ?? 800;
    this.topSpacer = document.createElement('div');
    this.topSpacer.className = 'vlist-spacer';
    this.rows = document.createElement('div');
    this.rows.className = 'vlist-rows';
    this.bottomSpacer = document.createElement('div');
    this.bottomSpacer.className = 'vlist-spacer';
    viewport.append(this.topSpacer, this.rows, this.bottomSpacer);
    viewport.addEventListener('scroll', () => {
      this.stickToBottom = this.distanceFromBottom() <= STICK_THRESHOLD_PX;
      this.schedule();
    });
    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.schedule()).observe(viewport);
  }

  /** Replaces all items (snapshot) and jumps to the bottom. */
  setItems(items: readonly T[]): void {
    this.items = items;
    for (const [key, row] of this.rendered) {
      row.element.remove();
      this.rendered.delete(key);
    }
    this.offsetsDirty = true;
    this.stickToBottom = true;
    this.renderNow();
  }

  /**
   * `count` items were added above the others (older history): what the user looks at stays
   * where it is on screen, the new rows grow the space above it.
   */
  prepend(items: readonly T[], count: number): void {
    this.items = items;
    this.offsetsDirty = true;
    this.computeOffsets();
    // Applied by the next layout, once the space above exists (the browser would clamp it now).
    if (!this.stickToBottom) this.pendingShift += this.offsets[count] ?? 0;
    this.renderNow();
  }

  /** Items changed in place (upsert, append, remove): re-render what is visible. */
  refresh(items: readonly T[]): void {
    const wasAtBottom = this.stickToBottom;
    this.items = items;
    this.offsetsDirty = true;
    this.stickToBottom = wasAtBottom;
    this.schedule();
  }

  /** Forgets a measured height (the row's content changed). */
  invalidate(key: string): void {
    this.measured.delete(key);
    this.offsetsDirty = true;
  }

  scrollToBottom(): void {
    this.stickToBottom = true;
    this.renderNow();
  }

  /** Renders synchronously (tests, benchmark, snapshot). */
  renderNow(): void {
    this.scheduled = false;
    this.layout();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      if (this.scheduled) this.renderNow();
    });
  }

  private distanceFromBottom(): number {
    return this.viewport.scrollHeight - this.viewport.scrollTop - this.viewport.clientHeight;
  }

  private heightOf(item: T): number {
    return this.measured.get(this.options.key(item)) ?? this.options.estimateHeight(item);
  }

  private computeOffsets(): void {
    if (!this.offsetsDirty && this.offsets.length === this.items.length + 1) return;
    const offsets = new Array<number>(this.items.length + 1);
    offsets[0] = 0;
    for (let i = 0; i < this.items.length; i++) offsets[i + 1] = offsets[i] + this.heightOf(this.items[i]);
    this.offsets = offsets;
    this.offsetsDirty = false;
  }

  /** First index whose bottom edge is below `y`. */
  private indexAt(y: number): number {
    let low = 0;
    let high = this.items.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.offsets[mid + 1] <= y) low = mid + 1;
      else high = mid;
    }
    return Math.max(0, low);
  }

  private viewportHeight(): number {
    // A hidden or not-yet-laid-out view reports 0; assume a window's worth.
    return this.viewport.clientHeight || window.innerHeight || 800;
  }

  private layout(): void {
    this.computeOffsets();
    const total = this.offsets[this.items.length];
    const height = this.viewportHeight();
    const scrollTop = this.stickToBottom ? Math.max(0, total - height) : this.viewport.scrollTop + this.pendingShift;
    const shifted = this.pendingShift !== 0;
    this.pendingShift = 0;
    const first = this.items.length ? this.indexAt(Math.max(0, scrollTop - this.overscan)) : 0;
    const last = this.items.length ? this.indexAt(scrollTop + height + this.overscan) : -1;

    const wanted = new Set<string>();
    const elements: HTMLElement[] = [];
    for (let i = first; i <= last; i++) {
      const item = this.items[i];
      const key = this.options.key(item);
      const revision = this.options.revision(item);
      wanted.add(key);
      let row = this.rendered.get(key);
      if (!row || row.revision !== revision) {
        const element = this.options.render(item);
        element.dataset.key = key;
        if (row) row.element.replaceWith(element);
        row = { element, revision };
        this.rendered.set(key, row);
      }
      elements.push(row.element);
    }
    for (const [key, row] of this.rendered) {
      if (!wanted.has(key)) {
        row.element.remove();
        this.rendered.delete(key);
      }
    }
    // Put rows in order with the fewest DOM moves.
    let cursor: ChildNode | null = this.rows.firstChild;
    for (const element of elements) {
      if (element === cursor) cursor = cursor.nextSibling;
      else this.rows.insertBefore(element, cursor);
    }
    this.renderedCount = elements.length;

    // Measure what is in the DOM; rows above the viewport that grew shift the anchor.
    const anchorIndex = this.items.length ? this.indexAt(scrollTop) : 0;
    let shiftAbove = 0;
    let anyChanged = false;
    for (let i = first; i <= last; i++) {
      const key = this.options.key(this.items[i]);
      const element = this.rendered.get(key)?.element;
      const measuredHeight = element?.offsetHeight ?? 0;
      if (measuredHeight <= 0) continue; // not laid out (hidden view, DOM without layout)
      const previous = this.heightOf(this.items[i]);
      if (previous !== measuredHeight) {
        this.measured.set(key, measuredHeight);
        this.offsetsDirty = true;
        anyChanged = true;
        if (i < anchorIndex) shiftAbove += measuredHeight - previous;
      }
    }
    this.computeOffsets();
    this.topSpacer.style.height = `${this.offsets[first] ?? 0}px`;
    this.bottomSpacer.style.height = `${Math.max(0, this.offsets[this.items.length] - (this.offsets[last + 1] ?? 0))}px`;
    if (this.stickToBottom) this.viewport.scrollTop = this.viewport.scrollHeight;
    else if (shiftAbove || shifted) this.viewport.scrollTop = scrollTop + shiftAbove;
    // Real heights differ from estimates: one more pass fills any gap they opened.
    if (anyChanged) this.schedule();
  }
}
