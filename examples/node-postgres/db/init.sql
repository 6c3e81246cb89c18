-- The dump the database starts from (loaded once, on the first start with an empty pgdata volume).
CREATE USER app WITH PASSWORD 'app-secret';
CREATE DATABASE hello OWNER app;
\connect hello
SET ROLE app;
CREATE TABLE greetings (id serial PRIMARY KEY, greeting text NOT NULL);
INSERT INTO greetings (greeting) VALUES ('Hello world');
