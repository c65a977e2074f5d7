-- One database and one role per service (local overlay only; passwords are the development
-- defaults that secrets.env uses). Run once by the postgres image on an empty volume.
CREATE ROLE auth LOGIN PASSWORD 'auth-dev-password';
CREATE DATABASE auth OWNER auth;
CREATE ROLE "order" LOGIN PASSWORD 'order-dev-password';
CREATE DATABASE "order" OWNER "order";
CREATE ROLE payment LOGIN PASSWORD 'payment-dev-password';
CREATE DATABASE payment OWNER payment;
CREATE ROLE notification LOGIN PASSWORD 'notification-dev-password';
CREATE DATABASE notification OWNER notification;
CREATE ROLE billing LOGIN PASSWORD 'billing-dev-password';
CREATE DATABASE billing OWNER billing;
