using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Connections;

/// <summary>Pattern 5: examples/extra-hosts. Only /etc/hosts is read: no traffic is sent to any of those addresses.</summary>
public class ExtraHostsTests
{
    [Fact]
    public async Task List_and_map_forms_and_host_gateway_end_up_in_etc_hosts()
    {
        await using var project = await Examples.CopyAsync("extra-hosts", "xhosts");
        await project.RunOkAsync(new Dictionary<string, string>(), "up", "-d");

        // host-gateway is the Docker host as the engine resolves it (read from the engine, not guessed).
        var hostGateway = await Engine.HostGatewayAsync();

        var list = Hosts((await project.ExecAsync("list-form", "cat", "/etc/hosts")).Output);
        list.Should().Contain(("database", hostGateway)).And.Contain(("billing.internal", "192.0.2.10"))
            .And.Contain(("legacy.internal", "192.0.2.11")).And.Contain(("v6.internal", "2001:db8::11"));
        var map = Hosts((await project.ExecAsync("map-form", "cat", "/etc/hosts")).Output);
        map.Should().Contain(("database", hostGateway)).And.Contain(("billing.internal", "192.0.2.10"));

        (await project.InspectAsync("map-form")).HostConfig.ExtraHosts.Should().BeEquivalentTo(["database:host-gateway", "billing.internal:192.0.2.10"]);
    }

    private static List<(string Name, string Address)> Hosts(string etcHosts) =>
        [.. etcHosts.Split('\n').Select(l => l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 2 && !f[0].StartsWith('#')).SelectMany(f => f.Skip(1).Select(n => (n, f[0])))];
}
