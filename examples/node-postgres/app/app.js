// Reads the greetings from PostgreSQL and prints them. node-pg takes PGHOST, PGPORT, PGUSER, PGPASSWORD and
// PGDATABASE from the environment; PGHOST is the link alias "database".
const { Client } = require('pg');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function readGreetings() {
  const client = new Client();
  await client.connect();
  try {
    const result = await client.query('SELECT greeting FROM greetings ORDER BY id');
    return result.rows.map((row) => row.greeting);
  } finally {
    await client.end();
  }
}

async function main() {
  console.log(`app: database link at ${process.env.DATABASE_PORT_5432_TCP_ADDR}:${process.env.DATABASE_PORT_5432_TCP_PORT}`);
  for (let attempt = 1; attempt <= 120; attempt++) {
    try {
      for (const greeting of await readGreetings()) console.log(greeting);
      return;
    } catch (e) {
      if (attempt % 10 === 1) console.log(`app: waiting for the database (${e.message})`);
      await sleep(500);
    }
  }
  console.log('app: the database never answered');
  process.exit(1);
}

process.on('SIGTERM', () => process.exit(0));
main().then(() => setInterval(() => {}, 1 << 30));
