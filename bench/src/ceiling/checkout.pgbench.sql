-- The ceiling of checkout on this Postgres: the order service's placement transaction as plain
-- SQL (pgbench, prepared statements, no application in between). Keep it in step with
-- services/order/src/orders/place-order.ts: read the product, insert the order, its line, its
-- first status row, the stock movement and the outbox row, take the stock last, commit.
BEGIN;
SELECT id, sku, name, price_minor, currency, stock, active FROM products WHERE id = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
INSERT INTO orders (id, user_id, status, total_minor, currency, payment_method) VALUES (gen_random_uuid(), '00000000-0000-4000-8000-00000000beef', 'pending_payment', 1250, 'EUR', 'pm_card_visa') RETURNING id AS order_id \gset
INSERT INTO order_lines (id, order_id, product_id, name, quantity, unit_price_minor) VALUES (gen_random_uuid(), :order_id, '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001', 'Switchyard enamel mug', 1, 1250);
INSERT INTO order_status_changes (id, order_id, from_status, to_status, actor) VALUES (gen_random_uuid(), :order_id, NULL, 'pending_payment', 'customer');
INSERT INTO stock_movements (id, product_id, order_id, delta, reason) VALUES (gen_random_uuid(), '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001', :order_id, -1, 'reserved');
INSERT INTO outbox_events (id, topic, message_key, event_type, headers, payload, created_at) VALUES (gen_random_uuid(), 'orders', :order_id, 'order.created', '{"ce_type":"com.switchyard.order.created"}', '{"orderId":"pgbench","total":{"amount":1250,"currency":"EUR"}}', clock_timestamp());
UPDATE products SET stock = stock - 1 WHERE id = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001' AND stock >= 1;
COMMIT;
