import type { PartCommit, UploadedPart, UploadRecord, UploadStore } from '@edgecr/registry';

/** Durable Object storage refuses values over 2 MB; staged bytes are kept in rows of this size. */
const STAGED_ROW_BYTES = 1024 * 1024;

/**
 * One upload's state in its Durable Object's SQLite storage: the record as JSON, the R2 part ETags, and the
 * staged remainder in rows under the 2 MB value limit. The wake-up is the object's alarm.
 */
export class SqlUploadStore implements UploadStore {
  private readonly sql: SqlStorage;
  private schemaReady = false;

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql;
  }

  async read(): Promise<UploadRecord | null> {
    this.createSchema();
    const row = this.sql.exec<{ state: string }>('SELECT state FROM upload').toArray()[0];
    return row ? (JSON.parse(row.state) as UploadRecord) : null;
  }

  async write(record: UploadRecord): Promise<void> {
    this.createSchema();
    this.writeRecord(record);
  }

  async readStaged(): Promise<Uint8Array> {
    this.createSchema();
    const rows = this.sql.exec<{ bytes: ArrayBuffer }>('SELECT bytes FROM staged ORDER BY seq').toArray();
    const out = new Uint8Array(rows.reduce((sum, row) => sum + row.bytes.byteLength, 0));
    let offset = 0;
    for (const row of rows) {
      out.set(new Uint8Array(row.bytes), offset);
      offset += row.bytes.byteLength;
    }
    return out;
  }

  async parts(): Promise<UploadedPart[]> {
    this.createSchema();
    return this.sql
      .exec<{ partNumber: number; etag: string }>(
        'SELECT part_number AS partNumber, etag FROM r2_part ORDER BY part_number',
      )
      .toArray();
  }

  async commitPart({ record, parts, staged }: PartCommit): Promise<void> {
    this.createSchema();
    this.storage.transactionSync(() => {
      for (const part of parts) {
        this.sql.exec('INSERT OR REPLACE INTO r2_part VALUES (?, ?)', part.partNumber, part.etag);
      }
      this.sql.exec('DELETE FROM staged');
      for (let offset = 0; offset < staged.length; offset += STAGED_ROW_BYTES) {
        const row = staged.slice(offset, offset + STAGED_ROW_BYTES);
        this.sql.exec('INSERT INTO staged (bytes) VALUES (?)', row.buffer);
      }
      this.writeRecord(record);
    });
  }

  async wakeAt(at: number): Promise<void> {
    await this.storage.setAlarm(at);
  }

  async clear(): Promise<void> {
    // The record goes before the alarm: an alarm left by an object that dies between the two finds no record
    // and ends, where the other order could leave a record that no alarm ever expires.
    await this.storage.deleteAll();
    await this.storage.deleteAlarm();
    // deleteAll drops the tables too: a later call on this instance recreates them before reading.
    this.schemaReady = false;
  }

  private writeRecord(record: UploadRecord): void {
    this.sql.exec('INSERT OR REPLACE INTO upload VALUES (1, ?)', JSON.stringify(record));
  }

  private createSchema(): void {
    if (this.schemaReady) return;
    this.schemaReady = true;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS upload (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS r2_part (part_number INTEGER PRIMARY KEY, etag TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS staged (seq INTEGER PRIMARY KEY, bytes BLOB NOT NULL);
    `);
  }
}
