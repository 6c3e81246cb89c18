using System.Text.Json;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Connections;

/// <summary>Pattern 8: examples/discovery. Traffic stays on the project's network.</summary>
public class DiscoveryTests
{
    [Fact]
    public async Task Consumers_get_one_variable_with_every_endpoint_and_composer_endpoints_lists_every_service()
    {
        await using var project = await Examples.CopyAsync("discovery", "disc");
        var none = new Dictionary<string, string>();
        await project.RunOkAsync(none, "up", "-d");
        var network = $"{project.Name}_default";
        var db = (await project.InspectAsync("db")).NetworkSettings.Networks[network].IPAddress;
        var cache = (await project.InspectAsync("cache")).NetworkSettings.Networks[network].IPAddress;

        var env = (await project.InspectAsync("app")).Config.Env;
        env.Should().Contain($"DB_PORTS=udp://{db}:53,tcp://{db}:5432").And.Contain($"KV_PORTS=tcp://{cache}:6379");
        var logs = await Eventually.Until(() => project.LogsAsync("app"), l => l.Contains(":6379 says:"), "app to use its endpoints");
        logs.Should().Contain($"tcp://{db}:5432 says: db here").And.Contain($"tcp://{cache}:6379 says: cache here");

        var json = await project.RunOkAsync(none, "endpoints", "--format", "json");
        var services = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("Service").GetString()!);
        services.Keys.Should().BeEquivalentTo(["app", "cache", "db"]);
        services["db"].GetProperty("Networks").GetProperty(network).GetString().Should().Be(db);
        services["db"].GetProperty("Ports").EnumerateArray().Select(p => p.GetString()).Should().BeEquivalentTo(["5432/tcp", "53/udp"]);
        services["db"].GetProperty("Endpoints").EnumerateArray().Select(p => p.GetString()).Should().Equal($"udp://{db}:53", $"tcp://{db}:5432");
        services["cache"].GetProperty("Endpoints").EnumerateArray().Select(p => p.GetString()).Should().Equal($"tcp://{cache}:6379");
        services["db"].GetProperty("State").GetString().Should().Be("running");

        var table = await project.RunOkAsync(none, "endpoints", "db");
        table.Stdout.Should().Contain("SERVICE").And.Contain($"{project.Name}-db-1").And.Contain($"udp://{db}:53,tcp://{db}:5432").And.NotContain("-cache-1");
    }
}
