using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Core.Stack;

/// <summary>What a project should be on a Swarm: its networks, configs, secrets and services, named and labelled as <c>docker stack</c> names them.</summary>
public sealed record StackSpec(string Stack, ImmutableArray<StackNetwork> Networks, ImmutableArray<StackFileObject> Files, ImmutableArray<StackService> Services)
{
    /// <summary>External networks, configs and secrets the services use: they must exist, Composer never creates them.</summary>
    public ImmutableArray<string> ExternalNetworks { get; init; } = [];
    public ImmutableArray<string> Warnings { get; init; } = [];
}

/// <summary>Thrown for what a Swarm cannot run; the message says why and what to write instead (exit 2).</summary>
public sealed class StackNotSupportedException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Project → <see cref="StackSpec"/>. Pure but for reading the files and environment variables that configs and
/// secrets come from (through <paramref name="readFile"/>). Docker's names: networks, configs and secrets
/// <c>&lt;stack&gt;_&lt;key&gt;</c> (unless <c>name:</c>), services <c>&lt;stack&gt;_&lt;service&gt;</c>.
/// </summary>
public static class StackSpecBuilder
{
    public const string FormVersion = "composer-stack-spec/1";

    /// <summary>Kernels without IPVS (checked by the caller: /proc/net/ip_vs) cannot serve Swarm VIPs or the ingress routing mesh.</summary>
    public static StackSpec Build(Project project, Func<string, byte[]>? readFile = null, bool ipvsAvailable = true)
    {
        readFile ??= File.ReadAllBytes;
        var stack = project.Name;
        var problems = new List<string>();
        var warnings = new List<string>();
        var ns = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal).Add(StackLabels.Namespace, stack);

        var used = project.Services.Values.SelectMany(s => s.Networks.Keys).ToHashSet(StringComparer.Ordinal);
        var networks = project.Networks.Values.Where(n => used.Contains(n.Key) && !n.External)
            .Select(n => new StackNetwork(n.Key, n.Name, n.Driver ?? "overlay", Attachable: true, n.Internal)
            {
                Labels = ns.AddRange(n.Labels.Where(kv => kv.Key != StackLabels.Namespace)),
                DriverOpts = n.DriverOpts,
                Subnets = [.. n.Ipam?.Config.Select(c => c.Subnet).OfType<string>() ?? []],
            }).ToImmutableArray();
        foreach (var n in networks.Where(n => n.Driver is not "overlay"))
            problems.Add($"network \"{n.Key}\": driver \"{n.Driver}\" cannot span Swarm nodes; use driver: overlay (or leave it out)");

        var files = ImmutableArray.CreateBuilder<StackFileObject>();
        void AddFiles(IEnumerable<FileObject> objects, StackFileKind kind, IEnumerable<string> usedKeys)
        {
            var wanted = usedKeys.ToHashSet(StringComparer.Ordinal);
            foreach (var f in objects.Where(f => wanted.Contains(f.Key) && !f.External))
            {
                var what = kind == StackFileKind.Secret ? "secret" : "config";
                byte[] data;
                if (f.Content is not null) data = System.Text.Encoding.UTF8.GetBytes(f.Content);
                else if (f.Environment is not null) data = System.Text.Encoding.UTF8.GetBytes(f.EnvironmentValue ?? "");
                else if (f.File is not null)
                {
                    try { data = readFile(f.File); }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        problems.Add($"{what} \"{f.Key}\": cannot read {f.File}: {e.Message}");
                        continue;
                    }
                }
                else { problems.Add($"{what} \"{f.Key}\": no file, environment or content to create it from"); continue; }
                files.Add(new StackFileObject(kind, f.Key, f.Name, data)
                {
                    Labels = ns.Add(StackLabels.ContentHash, Convert.ToHexStringLower(SHA256.HashData(data))),
                });
            }
        }
        AddFiles(project.Secrets.Values, StackFileKind.Secret, project.Services.Values.SelectMany(s => s.Secrets.Select(r => r.Source)));
        AddFiles(project.Configs.Values, StackFileKind.Config, project.Services.Values.SelectMany(s => s.Configs.Select(r => r.Source)));

        var services = ImmutableArray.CreateBuilder<StackService>();
        foreach (var s in project.Services.Values)
        {
            var at = $"service \"{s.Name}\"";
            if (s.NetworkMode is { } mode && mode.StartsWith("service:", StringComparison.Ordinal))
                problems.Add($"{at}: network_mode: {mode} cannot work on a Swarm (tasks of different services run on different nodes); put both on a network and reach {mode[8..]} by its DNS name");
            else if (s.NetworkMode is { } other)
                problems.Add($"{at}: network_mode: {other} is not supported by Swarm services; attach the service to networks instead");
            foreach (var link in s.Links)
                problems.Add($"{at}: links ({link.Service}:{link.Alias}) do not cross Swarm nodes; reach \"{link.Service}\" by its DNS name on a shared network{(link.Alias != link.Service ? $" (or give it the network alias \"{link.Alias}\")" : "")}");
            if (s.VolumesFrom.Length > 0)
                problems.Add($"{at}: volumes_from cannot share volumes between tasks on different nodes; use a named volume");
            if (s.Image is null)
                problems.Add($"{at}: a Swarm runs images, it does not build them; give the service an image (built and present on every node)");
            if (s.ContainerName is not null)
                warnings.Add($"{at}: container_name is ignored on a Swarm (tasks are named <stack>_<service>.<slot>.<id>)");
            var endpointMode = s.Deploy?.EndpointMode ?? "vip";
            if (!ipvsAvailable && endpointMode == "vip" && s.Deploy?.Mode is not ("replicated-job" or "global-job"))
                warnings.Add($"{at}: endpoint_mode vip needs IPVS, which this kernel lacks: the service's name will not answer; use deploy.endpoint_mode: dnsrr");
            if (!ipvsAvailable && s.Ports.Any(p => p.Mode is not "host"))
                warnings.Add($"{at}: ingress-published ports need IPVS, which this kernel lacks: they will not answer; use ports with mode: host");
            if (endpointMode == "dnsrr" && s.Ports.Any(p => p.Mode is not "host"))
                problems.Add($"{at}: endpoint_mode dnsrr cannot publish ports through the ingress network; use ports with mode: host");

            var canonical = CanonicalForm(s, project);
            var labels = ns.Add(StackLabels.Image, s.Image ?? "").Add(StackLabels.Spec, canonical).Add(StackLabels.SpecHash, ConfigHash.Hash(canonical))
                .AddRange((s.Deploy?.Labels ?? ImmutableSortedDictionary<string, string>.Empty).Where(kv => !kv.Key.StartsWith("com.docker.stack.", StringComparison.Ordinal)));
            services.Add(new StackService
            {
                Name = $"{stack}_{s.Name}",
                Model = s,
                Hash = ConfigHash.Hash(canonical),
                Labels = labels,
                ContainerLabels = s.Labels.WithComparers(StringComparer.Ordinal).SetItem(StackLabels.Namespace, stack).SetItem(StackLabels.SpecHash, ConfigHash.Hash(canonical)),
                Networks = [.. s.Networks.OrderByDescending(kv => kv.Value.Priority).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                    .Select(kv => new StackAttachment(project.Networks.TryGetValue(kv.Key, out var n) ? n.Name : $"{stack}_{kv.Key}", [s.Name, .. kv.Value.Aliases]))],
                Mounts = [.. s.Volumes.Select(m => Mount(m, project, ns))],
                Secrets = [.. s.Secrets.Select(r => FileMount(r, project.Secrets, secret: true))],
                Configs = [.. s.Configs.Select(r => FileMount(r, project.Configs, secret: false))],
            });
        }
        if (problems.Count > 0) throw new StackNotSupportedException(problems);
        return new StackSpec(stack, networks, files.ToImmutable(), services.ToImmutable())
        {
            ExternalNetworks = [.. project.Networks.Values.Where(n => n.External && used.Contains(n.Key)).Select(n => n.Name)],
            Warnings = [.. warnings],
        };
    }

    private static StackMount Mount(Mount m, Project project, ImmutableSortedDictionary<string, string> ns) => m.Type switch
    {
        MountType.Volume when m.Source is { } key && project.Volumes.TryGetValue(key, out var v) =>
            new StackMount(MountType.Volume, v.Name, m.Target, m.ReadOnly) { VolumeLabels = v.External ? ImmutableSortedDictionary<string, string>.Empty : ns },
        _ => new StackMount(m.Type, m.Source, m.Target, m.ReadOnly),
    };

    private static StackFileMount FileMount(FileReference r, ImmutableSortedDictionary<string, FileObject> objects, bool secret)
    {
        var name = objects.TryGetValue(r.Source, out var o) ? o.Name : r.Source;
        return new StackFileMount(name, r.MountPath(secret), r.Uid, r.Gid, r.Mode);
    }

    /// <summary>
    /// The service's canonical form for Swarm: the container fields of <see cref="ConfigHash.CanonicalForm"/> plus
    /// replicas, <c>deploy</c> and port publish modes.
    /// </summary>
    public static string CanonicalForm(Service s, Project project)
    {
        var o = JsonNode.Parse(ConfigHash.CanonicalForm(s))!.AsObject();
        o["form"] = FormVersion;
        o["replicas"] = s.Scale;
        var modes = s.Ports.Where(p => p.Mode is not null).Select(p => $"{p}:{p.Mode}").ToList();
        if (modes.Count > 0) o["port_modes"] = new JsonArray([.. modes.Select(m => (JsonNode?)m)]);
        if (s.Deploy is { IsEmpty: false } d) o["deploy"] = JsonNode.Parse(JsonSerializer.Serialize(d, StackJson.Default.Deploy));
        return new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))).ToJsonString();
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Deploy))]
internal sealed partial class StackJson : System.Text.Json.Serialization.JsonSerializerContext;
