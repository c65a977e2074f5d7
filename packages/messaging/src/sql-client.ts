/**
 * The slice of a Prisma client the messaging code needs. Every service's generated client
 * (and its transaction client) fits, so one relay and one inbox serve all services.
 */
export interface SqlClient {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export interface TransactionalSqlClient extends SqlClient {
  $transaction<R>(
    // Each service's generated transaction client differs in its model delegates, so the
    // parameter cannot be named more precisely here; messaging only uses its raw-SQL methods.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    fn: (tx: any) => Promise<R>,
    options?: { timeout?: number; maxWait?: number },
  ): Promise<R>;
}
