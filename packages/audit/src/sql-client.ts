/**
 * The slice of a Prisma client the trail needs: raw SQL. Every service's generated client and
 * its transaction client fit, so one implementation serves every service's own table.
 */
export interface AuditSql {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export interface AuditDb extends AuditSql {
  $transaction<R>(
    // Each service's transaction client differs in its model delegates; only raw SQL is used.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    fn: (tx: any) => Promise<R>,
    options?: {
      timeout?: number;
      maxWait?: number;
      isolationLevel?: 'ReadCommitted' | 'RepeatableRead' | 'Serializable';
    },
  ): Promise<R>;
}
