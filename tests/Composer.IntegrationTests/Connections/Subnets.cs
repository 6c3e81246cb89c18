using System.Net;
using Composer.IntegrationTests.Support;
using Docker.DotNet.Models;

namespace Composer.IntegrationTests.Connections;

/// <summary>
/// Picks 10.231.X.0/24 subnets that no network on the engine overlaps (read-only look at the engine). Not 172.17-31
/// or 192.168: the engine's default pools hand those out to other projects' networks at any time.
/// </summary>
public static class Subnets
{
    public static async Task<string[]> FreePrefixesAsync(int count)
    {
        var docker = await Engine.ClientAsync();
        var taken = (await docker.Networks.ListNetworksAsync(new NetworksListParameters()))
            .SelectMany(n => n.IPAM?.Config ?? []).Select(c => c.Subnet).OfType<string>()
            .Where(s => s.Contains('.') && s.Contains('/')).Select(Parse).ToList();
        var candidates = Enumerable.Range(100, 150).OrderBy(_ => Random.Shared.Next())
            .Where(x => !taken.Any(t => Overlaps(t, Parse($"10.231.{x}.0/24"))))
            .Take(count).Select(x => $"10.231.{x}").ToArray();
        if (candidates.Length < count) throw new InvalidOperationException("no free 10.231.X.0/24 subnets on this engine");
        return candidates;
    }

    private static (uint Network, uint Mask) Parse(string cidr)
    {
        var slash = cidr.IndexOf('/');
        var bytes = IPAddress.Parse(cidr[..slash]).GetAddressBytes();
        var bits = int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var mask = bits == 0 ? 0u : uint.MaxValue << (32 - bits);
        var address = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        return (address & mask, mask);
    }

    private static bool Overlaps((uint Network, uint Mask) a, (uint Network, uint Mask) b)
    {
        var mask = a.Mask & b.Mask; // the shorter prefix decides
        return (a.Network & mask) == (b.Network & mask);
    }
}
