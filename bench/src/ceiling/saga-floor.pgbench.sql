-- The database's floor for one order: the statements the saga needs in the order, payment and
-- notification databases (schemas order_svc, payment_svc, notification_svc here), in the order
-- they happen, with no application, broker or provider between them. Each transaction is the
-- least the design allows: the outbox row written with the state change, the inbox row with the
-- handler's work, the relay's claim and delete, the email's claim and its sent mark. Keep it in
-- step with the services' SQL (services/*/src/events, packages/messaging).

-- order: placement (services/order/src/orders/place-order.ts)
BEGIN;
SELECT id, sku, name, price_minor, currency, stock, active FROM order_svc.products WHERE id = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
INSERT INTO order_svc.orders (id, user_id, status, total_minor, currency, payment_method) VALUES (gen_random_uuid(), '00000000-0000-4000-8000-00000000beef', 'pending_payment', 1250, 'EUR', 'pm_card_visa') RETURNING id AS order_id \gset
INSERT INTO order_svc.order_lines (id, order_id, product_id, name, quantity, unit_price_minor) VALUES (gen_random_uuid(), :order_id, '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001', 'Switchyard enamel mug', 1, 1250);
INSERT INTO order_svc.order_status_changes (id, order_id, from_status, to_status, actor) VALUES (gen_random_uuid(), :order_id, NULL, 'pending_payment', 'customer');
INSERT INTO order_svc.stock_movements (id, product_id, order_id, delta, reason) VALUES (gen_random_uuid(), '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001', :order_id, -1, 'reserved');
INSERT INTO order_svc.outbox_events (id, topic, message_key, event_type, headers, payload, created_at) VALUES (gen_random_uuid(), 'orders', :order_id, 'order.created', '{}', '{"orderId":"pgbench"}', clock_timestamp()) RETURNING id AS created_event \gset
UPDATE order_svc.products SET stock = stock - 1 WHERE id = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001' AND stock >= 1;
COMMIT;
-- order relay: sent to Kafka, then deleted
DELETE FROM order_svc.outbox_events WHERE id = :created_event;

-- payment: order.created → a pending payment (its charge goes to the provider after commit)
BEGIN;
INSERT INTO payment_svc.inbox_events (consumer, event_id, event_type) VALUES ('payment', :created_event, 'order.created') ON CONFLICT DO NOTHING;
INSERT INTO payment_svc.payments (id, order_id, user_id, amount_minor, currency, payment_method, status) VALUES (gen_random_uuid(), :order_id, '00000000-0000-4000-8000-00000000beef', 1250, 'EUR', 'pm_card_visa', 'pending') RETURNING id AS payment_id \gset
COMMIT;
-- payment: the provider's answer applied with its event
BEGIN;
UPDATE payment_svc.payments SET status = 'succeeded', provider_charge_id = 'ch_' || :payment_id, provider_attempts = provider_attempts + 1, updated_at = now() WHERE id = :payment_id AND status = 'pending';
INSERT INTO payment_svc.outbox_events (id, topic, message_key, event_type, headers, payload, created_at) VALUES (gen_random_uuid(), 'payments', :order_id, 'payment.succeeded', '{}', '{"orderId":"pgbench"}', clock_timestamp()) RETURNING id AS succeeded_event \gset
COMMIT;
DELETE FROM payment_svc.outbox_events WHERE id = :succeeded_event;

-- order: payment.succeeded → paid
BEGIN;
INSERT INTO order_svc.inbox_events (consumer, event_id, event_type) VALUES ('order', :succeeded_event, 'payment.succeeded') ON CONFLICT DO NOTHING;
UPDATE order_svc.orders SET status = 'paid', updated_at = now() WHERE id = :order_id AND status = 'pending_payment';
INSERT INTO order_svc.order_status_changes (id, order_id, from_status, to_status, actor) VALUES (gen_random_uuid(), :order_id, 'pending_payment', 'paid', 'system');
INSERT INTO order_svc.outbox_events (id, topic, message_key, event_type, headers, payload, created_at) VALUES (gen_random_uuid(), 'orders', :order_id, 'order.paid', '{}', '{"orderId":"pgbench"}', clock_timestamp()) RETURNING id AS paid_event \gset
COMMIT;
DELETE FROM order_svc.outbox_events WHERE id = :paid_event;

-- notification: order.created and order.paid, each an in-app notification and an email
BEGIN;
INSERT INTO notification_svc.inbox_events (consumer, event_id, event_type) VALUES ('notification', :created_event, 'order.created') ON CONFLICT DO NOTHING;
SELECT channel, category, enabled FROM notification_svc.notification_preferences WHERE user_id = '00000000-0000-4000-8000-00000000beef' AND category = 'order';
INSERT INTO notification_svc.notifications (id, user_id, source_event_id, event_type, category, title, body) VALUES (gen_random_uuid(), '00000000-0000-4000-8000-00000000beef', :created_event, 'order.created', 'order', 'Order received', 'We received your order.') RETURNING id AS created_notification \gset
INSERT INTO notification_svc.email_deliveries (id, notification_id, user_id, subject, text_body, html_body) VALUES (gen_random_uuid(), :created_notification, '00000000-0000-4000-8000-00000000beef', 'Order received', 'We received your order.', '<p>We received your order.</p>') RETURNING id AS created_email \gset
COMMIT;
BEGIN;
INSERT INTO notification_svc.inbox_events (consumer, event_id, event_type) VALUES ('notification', :paid_event, 'order.paid') ON CONFLICT DO NOTHING;
SELECT channel, category, enabled FROM notification_svc.notification_preferences WHERE user_id = '00000000-0000-4000-8000-00000000beef' AND category = 'order';
INSERT INTO notification_svc.notifications (id, user_id, source_event_id, event_type, category, title, body) VALUES (gen_random_uuid(), '00000000-0000-4000-8000-00000000beef', :paid_event, 'order.paid', 'order', 'Order paid', 'Your payment went through.') RETURNING id AS paid_notification \gset
INSERT INTO notification_svc.email_deliveries (id, notification_id, user_id, subject, text_body, html_body) VALUES (gen_random_uuid(), :paid_notification, '00000000-0000-4000-8000-00000000beef', 'Order paid', 'Your payment went through.', '<p>Your payment went through.</p>') RETURNING id AS paid_email \gset
COMMIT;
-- notification: each email claimed (a lease), sent over SMTP, marked sent with its attempt
UPDATE notification_svc.email_deliveries SET lease_token = gen_random_uuid(), next_attempt_at = now() + interval '60 seconds' WHERE id = :created_email AND status = 'pending';
BEGIN;
UPDATE notification_svc.email_deliveries SET status = 'sent', sent_at = now(), attempts = attempts + 1, lease_token = NULL WHERE id = :created_email;
INSERT INTO notification_svc.email_attempts (id, email_delivery_id, outcome) VALUES (gen_random_uuid(), :created_email, 'sent');
COMMIT;
UPDATE notification_svc.email_deliveries SET lease_token = gen_random_uuid(), next_attempt_at = now() + interval '60 seconds' WHERE id = :paid_email AND status = 'pending';
BEGIN;
UPDATE notification_svc.email_deliveries SET status = 'sent', sent_at = now(), attempts = attempts + 1, lease_token = NULL WHERE id = :paid_email;
INSERT INTO notification_svc.email_attempts (id, email_delivery_id, outcome) VALUES (gen_random_uuid(), :paid_email, 'sent');
COMMIT;
