/**
 * The slice of a Prisma client the messaging code needs. Every service's generated client
 * (and its transaction client) fits, so one relay and one inbox serve all services.
 */
export interface SqlClient {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export interface TransactionalSqlClient extends SqlClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  $transaction<R>(fn: (tx: any) => Promise<R>, options?: { timeout?: number; maxWait?: number }): Promise<R>;
}
