// A row as eventToRows assembles it: column sets laid over each other (the event table's row is the
// properties with the shared context and rule columns over them, and the event-table id over those),
// read through without building the merged copy. eventToRows builds the merged objects (Row); the
// loader plans straight from the layers: two objects of some thirty keys per row, which V8 keeps as
// dictionaries, were most of the loader's garbage.
import type { ColumnType } from './datatype.js';
import { dataTypeFor } from './datatype.js';
import type { Flavour } from './flavour.js';
import { providerCase } from './flavour.js';
import type { Columns } from './flatten.js';

/** Each column of a row in order: its type and value (`hasValue` false for load-time columns). */
export type ColumnVisitor = (column: string, type: ColumnType, value: unknown, hasValue: boolean) => void;

/** A row the schema can plan: its columns in order, and a value by column. */
export interface PlannableRow {
  readonly table: string;
  forEachColumn(visit: ColumnVisitor): void;
  value(column: string): unknown;
}

const OWN_COLUMNS_MARGIN = 64;

/**
 * A row made of layers: a later layer's value (and type) wins over an earlier one's. Layers' objects
 * have no prototype (newColumns), so `in` finds only their own keys.
 */
export class RowParts implements PlannableRow {
  constructor(
    readonly table: string,
    private readonly flavour: Flavour,
    private readonly layers: readonly Columns[],
  ) {}

  /**
   * The load-time columns (uuid_ts, BigQuery's loaded_at) first, then every layer's keys in order, each
   * where it first appears; undefined values (removed rule columns) are left out.
   */
  forEachColumn(visit: ColumnVisitor): void {
    visit(providerCase(this.flavour, 'uuid_ts'), 'datetime', undefined, false);
    if (this.flavour === 'bigquery') visit('loaded_at', 'datetime', undefined, false);
    const layers = this.layers;
    for (let k = 0; k < layers.length; k++) {
      for (const key in layers[k].data) {
        if (this.inEarlier(k, key)) continue;
        // The layer that sets the value; a layer that sets a value sets its type too.
        let top = layers.length - 1;
        while (top > k && !(key in layers[top].data)) top--;
        const value = layers[top].data[key];
        if (value === undefined) continue;
        visit(key, layers[top].types[key] ?? this.typeOf(key) ?? dataTypeFor(this.flavour, key, value, false), value, true);
      }
    }
  }

  value(column: string): unknown {
    for (let j = this.layers.length - 1; j >= 0; j--) {
      const data = this.layers[j].data;
      if (column in data) return data[column];
    }
    return undefined;
  }

  /** The number of columns, load-time columns included. */
  columnCount(): number {
    const loadTime = this.flavour === 'bigquery' ? [providerCase(this.flavour, 'uuid_ts'), 'loaded_at'] : [providerCase(this.flavour, 'uuid_ts')];
    let n = loadTime.length;
    this.forEachColumn((column, _type, _value, hasValue) => {
      if (hasValue && !loadTime.includes(column)) n++;
    });
    return n;
  }

  /**
   * Whether the row may have more than `limit` columns: the values flatten and the rules wrote, plus a
   * margin for the few columns eventToRows sets itself (event, ids, the full event, load times).
   */
  mayExceed(limit: number): boolean {
    let n = OWN_COLUMNS_MARGIN;
    for (const layer of this.layers) n += layer.written;
    return n > limit;
  }

  /** The merged row. */
  toRow(): { table: string; columns: Record<string, ColumnType>; data: Record<string, unknown> } {
    const columns: Record<string, ColumnType> = {};
    const data: Record<string, unknown> = {};
    this.forEachColumn((column, type, value, hasValue) => {
      columns[column] = type;
      if (hasValue) data[column] = value;
    });
    return { table: this.table, columns, data };
  }

  private typeOf(column: string): ColumnType | undefined {
    for (let j = this.layers.length - 1; j >= 0; j--) {
      const types = this.layers[j].types;
      if (column in types) return types[column];
    }
    return undefined;
  }

  private inEarlier(k: number, key: string): boolean {
    for (let j = 0; j < k; j++) if (key in this.layers[j].data) return true;
    return false;
  }
}

/** A merged row (eventToRows' Row, an identity merge rule row) as a plannable row. */
export function plannable(row: { table: string; columns: Record<string, ColumnType>; data: Record<string, unknown> }): PlannableRow {
  return {
    table: row.table,
    forEachColumn(visit) {
      for (const column in row.columns) visit(column, row.columns[column], row.data[column], column in row.data);
    },
    value: (column) => row.data[column],
  };
}
