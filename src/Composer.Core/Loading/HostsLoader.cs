using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Composer.Core.Diagnostics;
using Composer.Core.Hosts;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary>
/// Reads the top-level <c>x-composer.hosts</c> and checks every service's placement against it, pointing at the
/// file's line and column: an unknown host; a failover list that refers back (to the service's own host, or to a host
/// twice); services that share a namespace or volumes (<c>network_mode: service:x</c>, <c>volumes_from</c>) placed
/// or failing over apart; a provider used from another host whose host has no <c>address</c> or which declares no
/// single TCP port for the ambassadors to carry. Extensions only, so Compose still reads the file.
/// </summary>
internal static partial class HostsLoader
{
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex HostName();

    [GeneratedRegex("^[a-z][a-z0-9+.-]*://")]
    private static partial Regex Scheme();

    public static Project Apply(Project project, YMapping root, DiagnosticBag diagnostics)
    {
        var hosts = ReadHosts(root["x-composer"], diagnostics);
        project = project with { Hosts = hosts };
        CheckPlacement(project, root["services"] as YMapping, diagnostics);
        return project;
    }

    private static ImmutableSortedDictionary<string, HostSpec> ReadHosts(YNode? block, DiagnosticBag diagnostics)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, HostSpec>(StringComparer.Ordinal);
        if (block is not YMapping x || x.Find("hosts") is not { } entry) return result.ToImmutable();
        if (entry.Value is not YMapping hosts)
        {
            diagnostics.Error("hosts.type", $"x-composer.hosts must be a mapping of host names to {{ docker_host, address }}, not a {entry.Value.KindName}", entry.Value.Start);
            return result.ToImmutable();
        }
        var endpoints = new Dictionary<string, string>(StringComparer.Ordinal);
        var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in hosts.Entries)
        {
            var name = key.Value;
            if (!HostName().IsMatch(name))
            {
                diagnostics.Error("hosts.name", $"x-composer.hosts: invalid host name \"{name}\": use letters, digits, '_', '.', '-'", key.Start);
                continue;
            }
            var spec = new HostSpec { Name = name };
            if (value is YMapping m)
            {
                foreach (var (k, v) in m.Entries)
                {
                    var text = v is YScalar s && !s.IsNull ? s.Value.Trim() : null;
                    switch (k.Value)
                    {
                        case "docker_host" when text is { Length: > 0 }:
                            spec = Scheme().IsMatch(text) ? spec with { Endpoint = text } : spec with { Context = text };
                            if (spec.Endpoint is { } ep && !ep.StartsWith("unix://", StringComparison.Ordinal) && !ep.StartsWith("tcp://", StringComparison.Ordinal) && !ep.StartsWith("ssh://", StringComparison.Ordinal))
                                diagnostics.Error("hosts.docker_host", $"x-composer.hosts.{name}.docker_host: '{text}' is neither unix://, tcp://, ssh:// nor a docker context name", v.Start);
                            if (endpoints.TryGetValue(text, out var other))
                                diagnostics.Error("hosts.duplicate", $"x-composer.hosts.{name}: docker_host '{text}' is already host \"{other}\": one engine cannot be two hosts", v.Start);
                            else endpoints[text] = name;
                            break;
                        case "address" when text is { Length: > 0 }:
                            spec = spec with { Address = text };
                            if (addresses.TryGetValue(text, out var same))
                                diagnostics.Error("hosts.duplicate", $"x-composer.hosts.{name}: address '{text}' is already host \"{same}\"'s", v.Start);
                            else addresses[text] = name;
                            break;
                        case "docker_host" or "address":
                            diagnostics.Error("hosts.value", $"x-composer.hosts.{name}.{k.Value} must be a non-empty string", v.Start);
                            break;
                        default:
                            diagnostics.Error("hosts.key", $"x-composer.hosts.{name}: unknown key \"{k.Value}\" (expected docker_host, address)", k.Start);
                            break;
                    }
                }
            }
            else if (!(value is YScalar { IsNull: true }))
                diagnostics.Error("hosts.type", $"x-composer.hosts.{name} must be a mapping {{ docker_host, address }}, not a {value.KindName}", value.Start);
            if (spec.IsDefaultEngine && name != HostSpec.Local)
                diagnostics.Error("hosts.docker_host", $"x-composer.hosts.{name} has no docker_host (only \"{HostSpec.Local}\" is the engine composer connects to by default)", key.Start);
            result[name] = spec;
        }
        return result.ToImmutable();
    }

    private static void CheckPlacement(Project project, YMapping? serviceNodes, DiagnosticBag diagnostics)
    {
        var known = project.Hosts.Keys.Append(HostSpec.Local).Distinct().Order(StringComparer.Ordinal).ToList();
        string Known() => project.Hosts.IsEmpty ? "the file defines no x-composer.hosts" : $"x-composer.hosts defines {string.Join(", ", known)}";
        YMapping? Block(string service) => (serviceNodes?[service] as YMapping)?["x-composer"] as YMapping;
        SourcePosition? At(string service, string key, string? item = null, int occurrence = 0)
        {
            var node = Block(service)?[key];
            if (item is not null && node is YSequence seq && seq.Items.OfType<YScalar>().Where(i => i.Value == item).ElementAtOrDefault(occurrence) is { } hit) return hit.Start;
            return node?.Start ?? Block(service)?.Start ?? serviceNodes?[service]?.Start;
        }

        foreach (var service in project.Services.Values)
        {
            var host = service.HostOf();
            var prefix = $"service \"{service.Name}\"";
            if (!known.Contains(host))
                diagnostics.Error("placement.host", $"{prefix} is placed on unknown host \"{host}\" ({Known()})", At(service.Name, ServicePlacement.HostKey));
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var standby in service.FailoverOf())
            {
                var occurrence = seen[standby] = seen.GetValueOrDefault(standby, -1) + 1;
                var at = At(service.Name, ServicePlacement.FailoverKey, standby, occurrence);
                if (!known.Contains(standby))
                    diagnostics.Error("placement.failover", $"{prefix} fails over to unknown host \"{standby}\" ({Known()})", at);
                else if (standby == host)
                    diagnostics.Error("placement.cycle", $"{prefix}: cycle of placement: it runs on \"{host}\" and its failover list leads back to \"{host}\"", at);
                else if (occurrence > 0)
                    diagnostics.Error("placement.cycle", $"{prefix}: cycle of placement: its failover list names \"{standby}\" twice", at);
            }

            // A shared network namespace or volumes_from cannot cross engines: both must be placed (and fail over) together.
            var together = service.VolumesFrom.Where(v => !v.StartsWith("container:", StringComparison.Ordinal)).Select(v => (Name: v.Split(':')[0], Key: "volumes_from"));
            if (service.NetworkMode is { } mode && mode.StartsWith("service:", StringComparison.Ordinal)) together = together.Append((mode[8..], "network_mode"));
            foreach (var (other, why) in together)
            {
                if (!project.Services.TryGetValue(other, out var partner)) continue;
                var position = (serviceNodes?[service.Name] as YMapping)?[why]?.Start ?? At(service.Name, ServicePlacement.HostKey);
                if (partner.HostOf() != host)
                    diagnostics.Error("placement.together", $"{prefix} uses {why} of \"{other}\", so it must run on the same host, but it is placed on \"{host}\" and \"{other}\" on \"{partner.HostOf()}\"", position);
                else if (!partner.FailoverOf().SequenceEqual(service.FailoverOf()))
                    diagnostics.Error("placement.together", $"{prefix} uses {why} of \"{other}\": their failover lists must be the same ([{string.Join(", ", service.FailoverOf())}] and [{string.Join(", ", partner.FailoverOf())}])", position);
            }
        }
        if (diagnostics.HasErrors) return;
        CheckCrossHost(project, serviceNodes, diagnostics);
    }

    /// <summary>A provider reached from another host needs an address to be published on and one TCP port to carry.</summary>
    private static void CheckCrossHost(Project project, YMapping? serviceNodes, DiagnosticBag diagnostics)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reference in CrossHostReferences.Find(project))
        {
            var provider = project.Services[reference.Provider];
            var consumerNode = serviceNodes?[reference.Consumer] as YMapping;
            var position = (reference.Kind switch { ReferenceKind.Link => consumerNode?["links"], ReferenceKind.DependsOn => consumerNode?["depends_on"], _ => consumerNode?["environment"] ?? consumerNode?["command"] })?.Start
                ?? consumerNode?.Start;
            if (project.Host(reference.ProviderHost)?.Address is null && reported.Add("address:" + reference.ProviderHost))
                diagnostics.Error("placement.address", $"{reference.Why}, but host \"{reference.ProviderHost}\" has no address in x-composer.hosts for the ambassadors to publish on", position);
            var ports = CrossHostReferences.PortsOf(provider);
            if (ports.Length != 1 && reported.Add("ports:" + provider.Name))
                diagnostics.Error("placement.ports", ports.Length == 0
                    ? $"{reference.Why}, but \"{provider.Name}\" declares no port for its ambassadors to carry (add expose: [PORT])"
                    : $"{reference.Why}, but \"{provider.Name}\" serves {string.Join(", ", ports)}: a cross-host ambassador carries one TCP port", position);
        }
        foreach (var name in AmbassadorExpansion.AddedNames(project).Where(n => project.Services.ContainsKey(n) || project.DisabledServices.ContainsKey(n)))
            diagnostics.Error("placement.name", $"service \"{name}\" has the name Composer gives a cross-host ambassador: rename it", (serviceNodes?[name] as YMapping)?.Start);
        // Two providers on one host published by their ambassadors on the same address and port would collide.
        foreach (var clash in CrossHostReferences.Find(project).Select(r => r.Provider).Distinct()
            .Select(p => project.Services[p]).GroupBy(p => (p.HostOf(), CrossHostReferences.PortsOf(p).FirstOrDefault())).Where(g => g.Count() > 1))
            diagnostics.Error("placement.ports", $"services {string.Join(", ", clash.Select(s => $"\"{s.Name}\""))} on host \"{clash.Key.Item1}\" are all used from other hosts on port {clash.Key.Item2}: their ambassadors would publish the same port",
                (serviceNodes?[clash.Last().Name] as YMapping)?.Start);
    }
}
