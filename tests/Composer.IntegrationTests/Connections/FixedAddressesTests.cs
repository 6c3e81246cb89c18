using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Connections;

/// <summary>
/// Pattern 3: examples/fixed-addresses. The internal network is checked by its routing table only: nothing is sent
/// to any address outside the project's own networks.
/// </summary>
public class FixedAddressesTests
{
    [Fact]
    public async Task Containers_have_their_fixed_addresses_on_one_or_two_networks_and_the_internal_network_has_no_way_out()
    {
        await using var project = await Examples.CopyAsync("fixed-addresses", "fixed");
        var prefixes = await Subnets.FreePrefixesAsync(2);
        var (front, back) = (prefixes[0], prefixes[1]);
        await project.RunOkAsync(new Dictionary<string, string> { ["FRONT_NET"] = front, ["BACK_NET"] = back }, "up", "-d");

        // The engine's view: both networks attached, with the fixed addresses asked for.
        var gateway = await project.InspectAsync("gateway");
        gateway.NetworkSettings.Networks.Keys.Should().BeEquivalentTo([$"{project.Name}_front", $"{project.Name}_back"]);
        gateway.NetworkSettings.Networks[$"{project.Name}_front"].IPAddress.Should().Be($"{front}.10");
        gateway.NetworkSettings.Networks[$"{project.Name}_back"].IPAddress.Should().Be($"{back}.10");

        // The containers' own view: the interfaces carry those addresses.
        var gatewayAddresses = await project.ExecAsync("gateway", "ip", "-4", "-o", "addr");
        gatewayAddresses.Output.Should().Contain($"inet {front}.10/24").And.Contain($"inet {back}.10/24");
        var dbAddresses = await project.ExecAsync("db", "ip", "-4", "-o", "addr");
        dbAddresses.Output.Should().Contain($"inet {back}.20/24").And.NotContain($"{front}.");

        // The gateway, on a normal network, routes out through it. db, only on the internal network: Engine 20.10
        // still gives it a default route, via the internal bridge, and the bridge drops whatever leaves the subnet.
        (await project.ExecAsync("gateway", "ip", "route")).Output.Should().Contain($"default via {front}.1");
        var table = await project.ExecAsync("db", "cat", "/proc/net/route");
        var gateways = table.Output.Split('\n').Skip(1).Where(l => l.Trim().Length > 0).Select(l => l.Split('\t'))
            .Where(f => f[1] == "00000000").Select(f => HexAddress(f[2])).ToList();
        gateways.Should().OnlyContain(g => g == $"{back}.1", "the only way out of db is the internal bridge");
        (await project.ExecAsync("db", "ip", "route")).Output.Should().Contain($"{back}.0/24").And.NotContain($"{front}.");

        // So db cannot reach the gateway's address on the other network (a project container, on a project network):
        // the internal bridge drops it. Bounded by a timeout; nothing is sent outside the project's networks.
        var blocked = await project.ExecAsync("db", "timeout", "3", "wget", "-qO-", $"http://{front}.10/");
        blocked.ExitCode.Should().NotBe(0, "an internal network reaches nothing outside its members");
        blocked.Output.Should().NotContain("gateway here");

        // Inside the internal network, members reach each other by address and by name.
        var fromDb = await Eventually.Until(() => project.ExecAsync("db", "timeout", "5", "wget", "-qO-", $"http://{back}.10/"), r => r.ExitCode == 0, "db to reach the gateway on back");
        fromDb.Output.Should().Contain("gateway here");
        (await project.ExecAsync("gateway", "timeout", "5", "wget", "-qO-", "http://db/")).Output.Should().Contain("db here");
    }

    private static string HexAddress(string littleEndianHex)
    {
        var v = Convert.ToUInt32(littleEndianHex, 16);
        return $"{v & 0xff}.{(v >> 8) & 0xff}.{(v >> 16) & 0xff}.{v >> 24}";
    }
}
