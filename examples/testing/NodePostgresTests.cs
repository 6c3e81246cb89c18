using Composer.Testing;
using Npgsql;

namespace Composer.Testing.Example;

/// <summary>
/// examples/node-postgres started from a test: up (waiting as <c>up --wait</c>), a query through the database's
/// endpoint, the app's logs, an exec; disposing removes the project, its pgdata volume included.
/// Needs the example's images: run examples/node-postgres/build-images.sh once.
/// </summary>
public class NodePostgresTests
{
    private static readonly string ComposeFile = Path.Combine(FindExamples(), "node-postgres", "compose.yaml");

    [Fact]
    public async Task The_database_answers_through_its_endpoint()
    {
        await using var app = await ComposeProject.UpAsync(ComposeFile);

        // database:5432 is not published: the endpoint is the container's own address, reachable from the test.
        var db = await app.EndpointAsync("database", 5432);
        var connection = $"Host={db.Host};Port={db.Port};Username=app;Password=app-secret;Database=hello;Timeout=5";

        // The image has no healthcheck, so "up" means running; PostgreSQL loads its dump first. Poll with a deadline.
        var greeting = await RetryAsync(async () =>
        {
            await using var conn = new NpgsqlConnection(connection);
            await conn.OpenAsync();
            await using var query = new NpgsqlCommand("SELECT greeting FROM greetings ORDER BY id LIMIT 1", conn);
            return (string?)await query.ExecuteScalarAsync();
        }, TimeSpan.FromMinutes(2));
        Assert.Equal("Hello world", greeting);

        var psql = await app.ExecAsync("database", "psql", "-h", "/run/postgresql", "-U", "postgres", "-d", "hello", "-tAc", "SELECT count(*) FROM greetings");
        Assert.Equal(0, psql.ExitCode);
        Assert.Equal("1", psql.Stdout.Trim());

        var logs = await RetryAsync(async () =>
        {
            var text = await app.LogsAsync("app");
            return text.Contains("Hello world") ? text : throw new InvalidOperationException("the app has not printed yet:\n" + text);
        }, TimeSpan.FromMinutes(2));
        Assert.Contains("Hello world", logs);
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> attempt, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception) when (DateTime.UtcNow < until)
            {
                await Task.Delay(500);
            }
        }
    }

    private static string FindExamples()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "node-postgres", "compose.yaml"))) return dir.FullName;
        throw new InvalidOperationException($"no examples/node-postgres above {AppContext.BaseDirectory}");
    }
}
