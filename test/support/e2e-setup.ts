// End-to-end tests wait on Kafka and PostgreSQL round trips.
jest.setTimeout(120_000);
