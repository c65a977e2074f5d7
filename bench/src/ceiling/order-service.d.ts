// The order service builds without declarations; this is the one thing the ceiling imports.
declare module '@switchyard/order/order-view-sql' {
  export const ORDER_VIEW_SQL: string;
}
