using System.Collections.Immutable;
using System.Globalization;
using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary>
/// Turns a validated document into the model: short syntaxes to long ones, relative paths to absolute, resource names
/// to <c>project_name</c>, plus the semantic checks a schema cannot express. Every problem becomes a positioned
/// diagnostic; nothing here throws on user input.
/// </summary>
public sealed partial class Normalizer(NormalizerContext context, DiagnosticBag diagnostics)
{
    public Project Normalize(YMapping root, string projectName)
    {
        var networks = NormalizeNetworks(root["networks"] as YMapping, projectName);
        var volumes = NormalizeVolumes(root["volumes"] as YMapping, projectName);
        var secrets = NormalizeFileObjects(root["secrets"] as YMapping, projectName, "secrets");
        var configs = NormalizeFileObjects(root["configs"] as YMapping, projectName, "configs");
        var services = ImmutableSortedDictionary.CreateBuilder<string, Service>(StringComparer.Ordinal);
        var serviceNodes = (root["services"] as YMapping)?.Entries ?? [];
        var normalized = NormalizeServices(serviceNodes);
        for (var i = 0; i < serviceNodes.Count; i++) services[serviceNodes[i].Key.Value] = normalized[i];

        // Every service without network_mode and without networks joins the default network; declare it if used.
        var needsDefault = services.Values.Any(s => s.NetworkMode is null && s.Networks.ContainsKey("default"));
        if (needsDefault && !networks.ContainsKey("default"))
            networks["default"] = new Network { Key = "default", Name = ResourceName(projectName, "default", null, external: false, externalName: null) };

        var project = new Project
        {
            Name = projectName,
            WorkingDirectory = context.ProjectDirectory,
            ConfigFiles = [.. context.ConfigFiles],
            Services = services.ToImmutable(),
            Networks = networks.ToImmutable(),
            Volumes = volumes.ToImmutable(),
            Secrets = secrets,
            Configs = configs,
            Models = (root["models"] as YMapping)?.Entries.ToImmutableSortedDictionary(e => e.Key.Value, e => Raw(e.Value), StringComparer.Ordinal)
                ?? ImmutableSortedDictionary<string, object?>.Empty,
        };
        return project with { Services = ImplicitDependencies(project.Services) };
    }

    /// <summary>Services normalized together in one piece of work: many, so that handing them over costs little.</summary>
    private const int ServicesPerPiece = 64;

    /// <summary>
    /// Each service, in order. A service's normalization reads only its own nodes and the context, so a large file's
    /// services are normalized in pieces on every core; each piece has its diagnostics apart, and they are reported in
    /// document order afterwards, the same list a single pass makes (as is the error a piece throws: the first's).
    /// </summary>
    private Service[] NormalizeServices(IReadOnlyList<YEntry> entries)
    {
        var result = new Service[entries.Count];
        var pieces = (entries.Count + ServicesPerPiece - 1) / ServicesPerPiece;
        if (pieces < 2)
        {
            for (var i = 0; i < entries.Count; i++) result[i] = NormalizeService(entries[i].Key.Value, entries[i].Value as YMapping);
            return result;
        }
        var found = new DiagnosticBag[pieces];
        var failed = new System.Runtime.ExceptionServices.ExceptionDispatchInfo?[pieces];
        Parallel.For(0, pieces, new ParallelOptions { MaxDegreeOfParallelism = System.Environment.ProcessorCount }, piece =>
        {
            var bag = found[piece] = new DiagnosticBag();
            var normalizer = new Normalizer(context, bag);
            try
            {
                for (var i = piece * ServicesPerPiece; i < Math.Min(entries.Count, (piece + 1) * ServicesPerPiece); i++)
                    result[i] = normalizer.NormalizeService(entries[i].Key.Value, entries[i].Value as YMapping);
            }
            catch (Exception e) { failed[piece] = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e); }
        });
        for (var piece = 0; piece < pieces; piece++)
        {
            foreach (var d in found[piece].Items) diagnostics.Add(d);
            failed[piece]?.Throw();
        }
        return result;
    }

    /// <summary>
    /// links, network_mode: service:x and volumes_from make a service need another; Compose writes these into
    /// depends_on (restart on links and network_mode, as the dependent's namespace goes away with the dependency).
    /// </summary>
    private static ImmutableSortedDictionary<string, Service> ImplicitDependencies(ImmutableSortedDictionary<string, Service> services)
    {
        var result = services.ToBuilder();
        foreach (var service in services.Values)
        {
            var deps = service.DependsOn.ToBuilder();
            foreach (var link in service.Links) deps.TryAdd(link.Service, new Dependency(Restart: true));
            if (service.NetworkMode is { } mode && mode.StartsWith("service:", StringComparison.Ordinal))
                deps.TryAdd(mode[8..], new Dependency(Restart: true));
            foreach (var from in service.VolumesFrom)
                if (!from.StartsWith("container:", StringComparison.Ordinal)) deps.TryAdd(from.Split(':')[0], new Dependency());
            if (deps.Count != service.DependsOn.Count) result[service.Name] = service with { DependsOn = deps.ToImmutable() };
        }
        return result.ToImmutable();
    }

    private long? Bytes(YNode? node, string at)
    {
        if (node is not YScalar s || s.IsNull) return null;
        if (ValueParsers.TryParseBytes(s.Value, out var bytes)) return bytes;
        diagnostics.Error("bytes", $"{at}: '{s.Value}' is not a byte size (like 512, 64m, 1.5g)", s.Start);
        return null;
    }

    private TimeSpan? Duration(YNode? node, string at)
    {
        if (node is not YScalar s || s.IsNull) return null;
        if (ValueParsers.TryParseDuration(s.Value, out var d)) return d;
        diagnostics.Error("duration", $"{at}: '{s.Value}' is not a duration (like 30s, 1m30s, 500ms)", s.Start);
        return null;
    }

    private static ImmutableSortedDictionary<string, string> Extensions(YMapping m)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (m["x-composer"] is YMapping x)
            foreach (var (k, v) in x.Entries) ComposerExtensions.Add(result, k.Value, v);
        return result.ToImmutable();
    }

    // ---- small readers ------------------------------------------------------------------------------------------

    internal static string? Str(YNode? node) => node is YScalar s && !s.IsNull ? s.Value : null;

    internal static bool Bool(YNode? node) => node is YScalar s && (s.AsBool() ?? string.Equals(s.Value, "true", StringComparison.OrdinalIgnoreCase));

    internal static ImmutableArray<string> List(YNode? node) => node switch
    {
        YSequence seq => [.. seq.Items.OfType<YScalar>().Select(s => s.Value)],
        YScalar s when !s.IsNull => [s.Value],
        _ => [],
    };

    /// <summary>A list_or_dict as (key, value-or-null, position) in order; list items split at the first separator.</summary>
    internal static IEnumerable<(string Key, string? Value, SourcePosition At)> Pairs(YNode? node, char separator)
    {
        switch (node)
        {
            case YMapping m:
                foreach (var (k, v) in m.Entries) yield return (k.Value, Str(v), k.Start);
                break;
            case YSequence seq:
                foreach (var s in seq.Items.OfType<YScalar>())
                {
                    var i = s.Value.IndexOf(separator);
                    yield return i < 0 ? (s.Value, null, s.Start) : (s.Value[..i], s.Value[(i + 1)..], s.Start);
                }
                break;
        }
    }

    private static readonly ImmutableSortedDictionary<string, string> EmptyDict = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
    private static readonly ImmutableSortedDictionary<string, string?> EmptyNullableDict = ImmutableSortedDictionary.Create<string, string?>(StringComparer.Ordinal);

    private static ImmutableSortedDictionary<string, string> Dict(YNode? node)
    {
        if (node is not (YMapping or YSequence)) return EmptyDict; // most keys are absent from most services
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (k, v, _) in Pairs(node, '=')) result[k] = v ?? "";
        return result.ToImmutable();
    }

    private static ImmutableSortedDictionary<string, string?> NullableDict(YNode? node)
    {
        if (node is not (YMapping or YSequence)) return EmptyNullableDict;
        var result = ImmutableSortedDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
        foreach (var (k, v, _) in Pairs(node, '=')) result[k] = v;
        return result.ToImmutable();
    }
}
