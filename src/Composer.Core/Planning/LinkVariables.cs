using System.Collections.Immutable;
using System.Globalization;
using Composer.Core.Engine;

namespace Composer.Core.Planning;

/// <summary>
/// Docker's link variables and Composer's discovery variable, computed from where the targets are now. Pure: the
/// executor asks the engine for <see cref="ContainerEndpoints"/> right before create and calls this.
/// </summary>
public static class LinkVariables
{
    /// <summary>On a consumer: the address each target had when its variables were written (<c>container=address,…</c>).</summary>
    public const string AddressesLabel = "io.composer.link-addresses";

    /// <summary>On a consumer: the names of the variables Composer wrote into its environment (not the file's own).</summary>
    public const string WrittenLabel = "io.composer.link-variables";

    /// <summary>The consumer's spec with the variables added; a variable the file sets itself is never overridden.</summary>
    public static ContainerSpec Apply(ContainerSpec consumer, IReadOnlyDictionary<string, ContainerEndpoints?> targets)
    {
        var declared = consumer.Environment.Select(e => e.Split('=', 2)[0]).ToHashSet(StringComparer.Ordinal);
        var added = new List<string>();
        foreach (var target in consumer.LinkTargets)
            foreach (var variable in For(consumer, target, targets.GetValueOrDefault(target.Container)))
                if (declared.Add(variable.Split('=', 2)[0])) added.Add(variable);
        var recorded = string.Join(",", consumer.LinkTargets.Select(t => t.Container).Distinct().Order(StringComparer.Ordinal)
            .Select(c => $"{c}={(targets.GetValueOrDefault(c) is { } e ? AddressFor(consumer, e) : null)}"));
        var labels = consumer.Labels.SetItem(AddressesLabel, recorded);
        if (added.Count > 0) labels = labels.SetItem(WrittenLabel, string.Join(",", added.Select(v => v.Split('=', 2)[0]).Order(StringComparer.Ordinal)));
        return consumer with
        {
            Environment = [.. consumer.Environment.Concat(added).OrderBy(e => e.Split('=', 2)[0], StringComparer.Ordinal)],
            Labels = labels,
        };
    }

    /// <summary>
    /// The alias of a target whose address is no longer the one the consumer's variables hold (restarted elsewhere,
    /// recreated by another command, stopped), or null. The planner recreates such a consumer after the target runs.
    /// A container without the label (made by another tool) is left alone.
    /// </summary>
    public static string? StaleTarget(ObservedContainer consumer, ContainerSpec spec, ObservedState observed)
    {
        if (spec.LinkTargets.IsEmpty || !consumer.Labels.TryGetValue(AddressesLabel, out var label)) return null;
        var recorded = label.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        foreach (var target in spec.LinkTargets)
        {
            var observedTarget = observed.Containers.FirstOrDefault(c => c.Name == target.Container);
            // An external container is not observed (it has no project label); unless it is a project container after all.
            if (target.External && observedTarget is null) continue;
            var now = observedTarget is { IsRunning: true } running
                ? AddressFor(spec, new ContainerEndpoints(running.Name, running.Service, true, running.Addresses, [])) ?? ""
                : "";
            if (recorded.GetValueOrDefault(target.Container, "") != now) return target.Alias;
        }
        return null;
    }

    /// <summary>The variables for one target, in Docker's order; none that carry an address when it has none.</summary>
    public static IEnumerable<string> For(ContainerSpec consumer, LinkTarget target, ContainerEndpoints? endpoints)
    {
        var prefix = Prefix(target.Alias);
        var address = endpoints is null ? null : AddressFor(consumer, endpoints);
        var ports = endpoints is null ? [] : Sorted(endpoints.Ports);
        if (target.DockerVariables)
        {
            if (address is not null)
            {
                if (ports.Count > 0) yield return $"{prefix}_PORT={ports[0].Proto}://{address}:{ports[0].Port}";
                foreach (var variable in RangeVariables(prefix, address, ports)) yield return variable;
                foreach (var (port, proto) in ports)
                {
                    var p = $"{prefix}_PORT_{port}_{proto.ToUpperInvariant()}";
                    yield return $"{p}={proto}://{address}:{port}";
                    yield return $"{p}_ADDR={address}";
                    yield return $"{p}_PORT={port}";
                    yield return $"{p}_PROTO={proto}";
                }
            }
            yield return $"{prefix}_NAME=/{consumer.Name}/{target.Alias}";
            // Docker passes the target's environment on as ALIAS_ENV_KEY, except the two every image has.
            foreach (var variable in endpoints?.Environment ?? [])
            {
                var parts = variable.Split('=', 2);
                if (parts.Length < 2 || parts[0] is "HOME" or "PATH") continue;
                yield return $"{prefix}_ENV_{parts[0]}={parts[1]}";
            }
        }
        if (address is not null && ports.Count > 0)
            yield return $"{prefix}_PORTS={string.Join(",", Endpoints(address, endpoints!.Ports))}";
    }

    /// <summary>
    /// Docker's variables for each run of consecutive port numbers (<c>expose: ["8000-8002"]</c>), named after its
    /// first port: <c>_START</c>, <c>_PORT_START</c>, <c>_END</c>, <c>_PORT_END</c>.
    /// The run is found as Docker's links code finds it, over the ports in Docker's order.
    /// </summary>
    private static IEnumerable<string> RangeVariables(string prefix, string address, List<(int Port, string Proto)> ports)
    {
        for (var i = 0; i < ports.Count;)
        {
            var last = LastContiguous(ports, i);
            if (last <= i + 1) { i++; continue; }
            var (first, end) = (ports[i], ports[last]);
            var name = $"{prefix}_PORT_{first.Port}_{first.Proto.ToUpperInvariant()}";
            // Docker also writes {name}_ADDR and {name}_PROTO here: the first port's own variables, same names and values.
            yield return $"{name}_START={first.Proto}://{address}:{first.Port}";
            yield return $"{name}_PORT_START={first.Port}";
            var endName = $"{prefix}_PORT_{first.Port}_{end.Proto.ToUpperInvariant()}";
            yield return $"{endName}_END={end.Proto}://{address}:{end.Port}";
            yield return $"{endName}_PORT_END={end.Port}";
            i = last + 1;
        }
    }

    private static int LastContiguous(List<(int Port, string Proto)> ports, int index)
    {
        var value = ports[index].Port;
        for (var i = index + 1; i < ports.Count; i++)
        {
            if (ports[i].Port > value + 1) return i - 1;
            value++;
        }
        return ports.Count - 1;
    }

    /// <summary>A container's environment without the link variables Composer wrote into it (as Docker's own are not in it).</summary>
    public static ImmutableArray<string> OwnEnvironment(IEnumerable<string> environment, string? writtenLabel)
    {
        var written = (writtenLabel ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return [.. environment.Where(e => !written.Contains(e.Split('=', 2)[0]))];
    }

    /// <summary><c>proto://address:port</c> for each port, in Docker's order: the value of <c>ALIAS_PORTS</c>.</summary>
    public static IEnumerable<string> Endpoints(string address, IEnumerable<string> ports) =>
        Sorted(ports).Select(p => $"{p.Proto}://{address}:{p.Port}");

    /// <summary>Docker's variable prefix for an alias: upper case, anything but letters and digits as '_'.</summary>
    public static string Prefix(string alias) =>
        string.Concat(alias.ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));

    /// <summary>The target's address on a network the consumer shares with it, else on its first network.</summary>
    public static string? AddressFor(ContainerSpec consumer, ContainerEndpoints target)
    {
        var consumerNetworks = new List<string>();
        if (consumer.PrimaryNetwork is { } primary) consumerNetworks.Add(primary.NetworkName);
        consumerNetworks.AddRange(consumer.ExtraNetworks.Select(n => n.NetworkName));
        if (consumer.NetworkMode is { } mode && !mode.StartsWith("container:", StringComparison.Ordinal)) consumerNetworks.Add(mode);
        foreach (var network in consumerNetworks)
            if (target.Addresses.TryGetValue(network, out var shared)) return shared;
        return target.Addresses.Values.FirstOrDefault();
    }

    /// <summary>Docker's order: by port number, tcp before other protocols on the same number.</summary>
    private static List<(int Port, string Proto)> Sorted(IEnumerable<string> ports) =>
        [.. ports.Select(p => p.Split('/'))
            .Select(p => (Port: int.Parse(p[0], CultureInfo.InvariantCulture), Proto: p.Length > 1 ? p[1].ToLowerInvariant() : "tcp"))
            .Distinct()
            .OrderBy(p => p.Port).ThenBy(p => p.Proto == "tcp" ? 0 : 1).ThenBy(p => p.Proto, StringComparer.Ordinal)];
}
