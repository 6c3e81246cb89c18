using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Connections;

/// <summary>Pattern 1: examples/ports. Every request goes to 127.0.0.1.</summary>
public class PublishedPortsTests
{
    [Fact]
    public async Task Httpd_is_reached_through_loopback_by_short_long_random_and_range_ports_and_udp_is_bound_on_loopback()
    {
        await using var project = await Examples.CopyAsync("ports", "ports");
        var web = Examples.FreeLoopbackPort();
        var alt = Examples.FreeLoopbackPort();
        var range = Examples.FreeLoopbackPort(2);
        int udp;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))) udp = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        var env = new Dictionary<string, string>
        {
            ["WEB_PORT"] = $"{web}", ["ALT_PORT"] = $"{alt}", ["RANGE_START"] = $"{range}", ["RANGE_END"] = $"{range + 1}", ["UDP_PORT"] = $"{udp}",
        };
        await project.RunOkAsync(env, "up", "-d");

        // `composer ps --format json` tells where the random host port went.
        var ps = await project.RunOkAsync(env, "ps", "--format", "json");
        var publishers = JsonDocument.Parse(ps.Stdout.Trim().Split('\n').Single()).RootElement.GetProperty("Publishers").EnumerateArray()
            .Select(p => (Url: p.GetProperty("URL").GetString(), Target: p.GetProperty("TargetPort").GetInt32(), Published: p.GetProperty("PublishedPort").GetInt32(), Proto: p.GetProperty("Protocol").GetString()))
            .ToList();
        publishers.Should().OnlyContain(p => p.Url == "127.0.0.1", "every port is published on loopback only");
        var random = publishers.Single(p => p.Target == 80 && p.Published != web).Published;
        publishers.Should().Contain((("127.0.0.1", 53, udp, "udp")));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var port in new[] { web, random, alt, range, range + 1 })
        {
            var body = await Eventually.Until(() => Get(http, port), b => b is not null, $"httpd on 127.0.0.1:{port}", TimeSpan.FromSeconds(30));
            body.Should().Contain("hello through a published port", $"port {port}");
        }

        // The engine bound exactly what the file says (UDP cannot be probed with busybox, so read the binding).
        var inspect = await project.InspectAsync("web");
        inspect.HostConfig.PortBindings["53/udp"].Should().ContainSingle(b => b.HostIP == "127.0.0.1" && b.HostPort == $"{udp}");
        inspect.HostConfig.PortBindings["9000/tcp"].Should().ContainSingle(b => b.HostPort == $"{range}");
        inspect.HostConfig.PortBindings["9001/tcp"].Should().ContainSingle(b => b.HostPort == $"{range + 1}");
        inspect.HostConfig.PortBindings["80/tcp"].Select(b => b.HostPort).Should().BeEquivalentTo([$"{web}", ""]);
        inspect.NetworkSettings.Ports["53/udp"].Should().ContainSingle(b => b.HostIP == "127.0.0.1" && b.HostPort == $"{udp}");

        var table = await project.RunOkAsync(env, "ps");
        table.Stdout.Should().Contain($"127.0.0.1:{web}->80/tcp").And.Contain($"127.0.0.1:{udp}->53/udp");
    }

    private static async Task<string?> Get(HttpClient http, int port)
    {
        try { return await http.GetStringAsync($"http://127.0.0.1:{port}/"); }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) { return null; }
    }
}
