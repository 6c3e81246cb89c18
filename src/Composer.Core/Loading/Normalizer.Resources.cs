using System.Collections.Immutable;
using System.Globalization;
using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary>Top-level networks, volumes, secrets and configs: one engine name rule for all four (<see cref="ResourceName"/>).</summary>
public sealed partial class Normalizer
{
    private ImmutableSortedDictionary<string, FileObject> NormalizeFileObjects(YMapping? node, string project, string kind)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, FileObject>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in node?.Entries ?? [])
        {
            var key = keyNode.Value;
            var m = value as YMapping;
            var (external, externalName) = External(m);
            var sources = new[] { "file", "environment", "content" }.Where(k => m?[k] is { } v && !(v is YScalar { IsNull: true })).ToList();
            if (external) sources.Add("external");
            if (sources.Count != 1)
            {
                var expected = kind == "secrets" ? "'file', 'environment' or 'external'" : "'file', 'environment', 'content' or 'external'";
                diagnostics.Error($"{kind}.source", sources.Count == 0
                    ? $"{kind}.{key}: one of {expected} is required"
                    : $"{kind}.{key}: {string.Join(" and ", sources.Select(x => $"'{x}'"))} cannot be combined; use one source", (value ?? keyNode).Start);
            }
            var env = Str(m?["environment"]);
            if (env is not null && context.Lookup(env) is null)
                diagnostics.Warning($"{kind}.environment", $"{kind}.{key}: environment variable {env} is not set; the file will be empty", m!["environment"]!.Start);
            result[key] = new FileObject
            {
                Key = key, External = external,
                Name = ResourceName(project, key, m, external, externalName),
                File = Str(m?["file"]) is { } file ? HostPath(file, m!["file"]!, $"{kind}.{key}.file") : null,
                Environment = env,
                EnvironmentValue = env is null ? null : context.Lookup(env) ?? "",
                Content = Str(m?["content"]),
            };
        }
        return result.ToImmutable();
    }

    private ImmutableSortedDictionary<string, Network>.Builder NormalizeNetworks(YMapping? node, string project)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, Network>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in node?.Entries ?? [])
        {
            var key = keyNode.Value;
            var m = value as YMapping;
            var (external, externalName) = External(m);
            var name = ResourceName(project, key, m, external, externalName);
            if (external && m?["driver"] is { } driver)
                diagnostics.Error("network.external-driver", $"networks.{key}: 'external' and 'driver' cannot be combined; an external network is not created by Composer", driver.Start);
            result[key] = new Network
            {
                Key = key, Name = name, External = external, Driver = Str(m?["driver"]),
                Internal = Bool(m?["internal"]), Attachable = Bool(m?["attachable"]), EnableIpv6 = Bool(m?["enable_ipv6"]),
                EnableIpv4 = m?["enable_ipv4"] is YScalar { IsNull: false } v4 ? Bool(v4) : null,
                DriverOpts = Dict(m?["driver_opts"]), Labels = Dict(m?["labels"]), Ipam = Ipam(m?["ipam"] as YMapping),
            };
        }
        return result;
    }

    private static Ipam? Ipam(YMapping? m)
    {
        if (m is null) return null;
        var pools = (m["config"] as YSequence)?.Items.OfType<YMapping>()
            .Select(p => new IpamPool(Str(p["subnet"]), Str(p["ip_range"]), Str(p["gateway"])) { AuxAddresses = Dict(p["aux_addresses"]) })
            .ToImmutableArray() ?? [];
        return new Ipam(Str(m["driver"]), pools) { Options = Dict(m["options"]) };
    }

    private ImmutableSortedDictionary<string, Volume>.Builder NormalizeVolumes(YMapping? node, string project)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, Volume>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in node?.Entries ?? [])
        {
            var key = keyNode.Value;
            var m = value as YMapping;
            var (external, externalName) = External(m);
            if (external && m?["driver"] is { } driver)
                diagnostics.Error("volume.external-driver", $"volumes.{key}: 'external' and 'driver' cannot be combined; an external volume is not created by Composer", driver.Start);
            result[key] = new Volume
            {
                Key = key, External = external,
                Name = ResourceName(project, key, m, external, externalName),
                Driver = Str(m?["driver"]), DriverOpts = Dict(m?["driver_opts"]), Labels = Dict(m?["labels"]),
                Movable = Movable(m, key),
            };
        }
        return result;
    }

    /// <summary>A volume's <c>x-composer: { movable: false }</c> (Composer's own block: other keys are errors).</summary>
    private bool Movable(YMapping? volume, string key)
    {
        if (volume?["x-composer"] is not { } block || block is YScalar { IsNull: true }) return true;
        if (block is not YMapping x)
        {
            diagnostics.Error("volume.x-composer", $"volumes.{key}.x-composer must be a mapping (movable: true|false), not a {block.KindName}", block.Start);
            return true;
        }
        var movable = true;
        foreach (var (k, v) in x.Entries)
        {
            if (k.Value != "movable")
                diagnostics.Error("volume.x-composer", $"volumes.{key}.x-composer: unknown key \"{k.Value}\" (expected movable)", k.Start);
            else if (v is YScalar s && s.AsBool() is { } b) movable = b;
            else diagnostics.Error("volume.movable", $"volumes.{key}.x-composer.movable must be true or false, not {(v is YScalar t ? $"'{t.Value}'" : "a " + v.KindName)}", v.Start);
        }
        return movable;
    }

    /// <summary>
    /// The engine name of a network, volume, secret or config (compose-go's setNameFromKey): its <c>name:</c>, else the
    /// legacy <c>external.name</c>, else the key itself when external (it exists already under that name), else
    /// <c>project_key</c>.
    /// </summary>
    internal static string ResourceName(string project, string key, YMapping? m, bool external, string? externalName) =>
        Str(m?["name"]) ?? externalName ?? (external ? key : $"{project}_{key}");

    private static (bool External, string? Name) External(YMapping? m) => m?["external"] switch
    {
        YScalar s => (s.AsBool() ?? string.Equals(s.Value, "true", StringComparison.OrdinalIgnoreCase), null),
        YMapping legacy => (true, Str(legacy["name"])),
        _ => (false, null),
    };
}
