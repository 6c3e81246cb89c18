using System.Collections.Immutable;
using System.Globalization;
using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary>How a service reaches others: ports, expose, depends_on, links, networks, extra_hosts.</summary>
public sealed partial class Normalizer
{
    private ImmutableArray<PortBinding> Ports(YSequence? seq, string at)
    {
        var result = ImmutableArray.CreateBuilder<PortBinding>();
        foreach (var item in seq?.Items ?? [])
        {
            switch (item)
            {
                case YScalar s:
                    if (PortSyntax.TryParse(s.Value, out var parsed, out var error)) result.AddRange(parsed);
                    else diagnostics.Error("service.ports", $"{at}.ports: {error}", s.Start);
                    break;
                case YMapping p:
                {
                    var targetText = Str(p["target"]) ?? "";
                    if (!int.TryParse(targetText, NumberStyles.None, CultureInfo.InvariantCulture, out var target) || target is < 1 or > 65535)
                    {
                        diagnostics.Error("service.ports", $"{at}.ports: invalid target port '{targetText}'", p["target"]?.Start ?? p.Start);
                        break;
                    }
                    var published = Str(p["published"]);
                    if (published is not null && !PortSyntax.TryParseRange(published, out _, out _))
                    {
                        diagnostics.Error("service.ports", $"{at}.ports: invalid published port '{published}'", p["published"]!.Start);
                        break;
                    }
                    result.Add(new PortBinding(target, published, Str(p["host_ip"]) is { Length: > 0 } ip ? ip : null, Str(p["protocol"]) ?? "tcp")
                        { Mode = Str(p["mode"]) ?? "ingress", Name = Str(p["name"]), AppProtocol = Str(p["app_protocol"]) });
                    break;
                }
            }
        }
        // Unique by (host IP, target, published, protocol), as Compose keeps them: a repeat adds nothing.
        return [.. result.Distinct()];
    }

    private ImmutableArray<string> Expose(YSequence? seq)
    {
        var result = ImmutableArray.CreateBuilder<string>();
        foreach (var item in seq?.Items.OfType<YScalar>() ?? [])
        {
            var v = item.Value;
            var proto = "tcp";
            var slash = v.IndexOf('/');
            if (slash >= 0) { proto = v[(slash + 1)..]; v = v[..slash]; }
            if (PortSyntax.TryParseRange(v, out var lo, out var hi))
                for (var port = lo; port <= hi; port++) result.Add($"{port}/{proto}");
            else diagnostics.Error("service.expose", $"invalid port '{item.Value}' in expose", item.Start);
        }
        return result.ToImmutable();
    }

    private static ImmutableSortedDictionary<string, Dependency> DependsOn(YNode? node)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, Dependency>(StringComparer.Ordinal);
        switch (node)
        {
            case YSequence seq:
                foreach (var s in seq.Items.OfType<YScalar>()) result[s.Value] = new Dependency();
                break;
            case YMapping m:
                foreach (var (key, value) in m.Entries)
                {
                    var d = value as YMapping;
                    result[key.Value] = new Dependency(Str(d?["condition"]) ?? DependencyCondition.Started,
                        Bool(d?["restart"]), d?["required"] is YScalar r ? Bool(r) : true);
                }
                break;
        }
        return result.ToImmutable();
    }

    private ImmutableArray<Link> Links(YSequence? seq, string at)
    {
        var result = ImmutableArray.CreateBuilder<Link>();
        foreach (var s in seq?.Items.OfType<YScalar>() ?? [])
        {
            var parts = s.Value.Split(':');
            if (parts.Length > 2 || parts.Any(p => p.Length == 0))
            {
                diagnostics.Error("service.links", $"{at}.links: '{s.Value}' must be 'service' or 'service:alias'", s.Start);
                continue;
            }
            result.Add(new Link(parts[0], parts.Length == 2 ? parts[1] : parts[0]));
        }
        return result.ToImmutable();
    }

    private static ImmutableSortedDictionary<string, ServiceNetwork> ServiceNetworks(YNode? node, string? networkMode)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, ServiceNetwork>(StringComparer.Ordinal);
        switch (node)
        {
            case YSequence seq:
                foreach (var s in seq.Items.OfType<YScalar>()) result[s.Value] = new ServiceNetwork();
                break;
            case YMapping m:
                foreach (var (key, value) in m.Entries)
                {
                    var n = value as YMapping;
                    result[key.Value] = new ServiceNetwork
                    {
                        Aliases = List(n?["aliases"]), Ipv4Address = Str(n?["ipv4_address"]),
                        Ipv6Address = Str(n?["ipv6_address"]),
                        Priority = int.TryParse(Str(n?["priority"]), out var p) ? p : 0,
                        GwPriority = int.TryParse(Str(n?["gw_priority"]), out var gw) ? gw : 0,
                        DriverOpts = Dict(n?["driver_opts"]),
                        InterfaceName = Str(n?["interface_name"]),
                        LinkLocalIps = List(n?["link_local_ips"]),
                        MacAddress = Str(n?["mac_address"]),
                    };
                }
                break;
            default:
                if (networkMode is null) result["default"] = new ServiceNetwork();
                break;
        }
        return result.ToImmutable();
    }

    private ImmutableArray<ExtraHost> ExtraHosts(YNode? node, string at)
    {
        var result = ImmutableArray.CreateBuilder<ExtraHost>();
        if (node is YMapping m)
        {
            foreach (var (k, v) in m.Entries)
                foreach (var address in v is YSequence s ? s.Items.OfType<YScalar>().Select(x => x.Value) : [Str(v) ?? ""])
                    result.Add(new ExtraHost(k.Value, address));
            return result.ToImmutable();
        }
        foreach (var s in (node as YSequence)?.Items.OfType<YScalar>() ?? [])
        {
            // "host=ip" is the current form; "host:ip" the legacy one (an IPv6 address may hold colons).
            var eq = s.Value.IndexOf('=');
            var sep = eq >= 0 ? eq : s.Value.IndexOf(':');
            if (sep <= 0 || sep == s.Value.Length - 1)
            {
                diagnostics.Error("service.extra_hosts", $"{at}.extra_hosts: '{s.Value}' must be 'host=address' or 'host:address'", s.Start);
                continue;
            }
            var address = s.Value[(sep + 1)..];
            if (address.StartsWith('[') && address.EndsWith(']')) address = address[1..^1];
            result.Add(new ExtraHost(s.Value[..sep], address));
        }
        return result.ToImmutable();
    }
}
