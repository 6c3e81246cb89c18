using System.Collections.Immutable;
using System.Globalization;
using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary>The service itself: image and build, command, environment and env files, host paths.</summary>
public sealed partial class Normalizer
{
    private Service NormalizeService(string name, YMapping? m)
    {
        m ??= new YMapping(new SourcePosition(context.ConfigFiles.FirstOrDefault() ?? "", 1, 1), []);
        var at = $"services.{name}";
        var networkMode = Str(m["network_mode"]);
        var service = new Service
        {
            Name = name,
            Image = Str(m["image"]),
            Build = Build(m["build"], at),
            Command = CommandLine(m["command"], $"{at}.command"),
            Entrypoint = CommandLine(m["entrypoint"], $"{at}.entrypoint"),
            Environment = Environment(m, at),
            Ports = Ports(m["ports"] as YSequence, at),
            Expose = Expose(m["expose"] as YSequence),
            DependsOn = DependsOn(m["depends_on"]),
            Links = Links(m["links"] as YSequence, at),
            ExternalLinks = List(m["external_links"]),
            NetworkMode = networkMode,
            Networks = ServiceNetworks(m["networks"], networkMode),
            Volumes = Mounts(m["volumes"] as YSequence, at),
            VolumesFrom = List(m["volumes_from"]),
            Restart = Restart(m["restart"], at),
            Labels = Labels(m, at),
            ContainerName = Str(m["container_name"]),
            Hostname = Str(m["hostname"]),
            WorkingDir = Str(m["working_dir"]),
            User = Str(m["user"]),
            Tty = Bool(m["tty"]),
            StdinOpen = Bool(m["stdin_open"]),
            Privileged = Bool(m["privileged"]),
            ReadOnly = Bool(m["read_only"]),
            Init = m["init"] is YScalar init ? Bool(init) : null,
            StopSignal = Str(m["stop_signal"]),
            StopGracePeriod = Duration(m["stop_grace_period"], $"{at}.stop_grace_period"),
            ExtraHosts = ExtraHosts(m["extra_hosts"], at),
            Dns = List(m["dns"]),
            CapAdd = List(m["cap_add"]),
            CapDrop = List(m["cap_drop"]),
            Healthcheck = Healthcheck(m["healthcheck"] as YMapping, at),
            Profiles = List(m["profiles"]),
            Scale = Scale(m, at),
            PullPolicy = Str(m["pull_policy"]),
            Ulimits = Ulimits(m["ulimits"] as YMapping, at),
            Tmpfs = Tmpfs(m["tmpfs"], at),
            Secrets = FileReferences(m["secrets"] as YSequence, at, "secrets"),
            Configs = FileReferences(m["configs"] as YSequence, at, "configs"),
            ShmSize = Bytes(m["shm_size"], $"{at}.shm_size"),
            MemLimit = Bytes(m["mem_limit"], $"{at}.mem_limit"),
            Extensions = Extensions(m),
            Runtime = Runtime(m, at),
            Deploy = Deploy(m["deploy"] as YMapping, at),
        };
        if (service.Image is null && service.Build is null && service.Runtime.Provider is null)
            diagnostics.Error("service.no-image", $"service \"{name}\" has neither an image nor a build context specified", m.Start);
        if (networkMode is not null && m["networks"] is { } nets)
            diagnostics.Error("service.network-mode-and-networks", $"{at}: 'network_mode' and 'networks' cannot be combined", nets.Start);
        return service;
    }

    private BuildSpec? Build(YNode? node, string at) => node switch
    {
        YScalar s when !s.IsNull => new BuildSpec(BuildContext(s.Value, s, $"{at}.build"), null, ImmutableSortedDictionary<string, string?>.Empty, null),
        YMapping m => new BuildSpec(BuildContext(Str(m["context"]) ?? ".", m["context"] ?? m, $"{at}.build.context"), Str(m["dockerfile"]),
            NullableDict(m["args"]), Str(m["target"]))
        {
            Labels = Dict(m["labels"]),
            Network = Str(m["network"]),
            ExtraHosts = ExtraHosts(m["extra_hosts"], $"{at}.build"),
            ShmSize = Bytes(m["shm_size"], $"{at}.build.shm_size"),
            DockerfileInline = Str(m["dockerfile_inline"]),
            CacheFrom = List(m["cache_from"]),
            CacheTo = List(m["cache_to"]),
            NoCache = Bool(m["no_cache"]),
            NoCacheFilter = List(m["no_cache_filter"]),
            Pull = Bool(m["pull"]),
            Tags = List(m["tags"]),
            Platforms = List(m["platforms"]),
            Ssh = m["ssh"] is YMapping ssh ? [.. ssh.Entries.Select(e => Str(e.Value) is { } path ? $"{e.Key.Value}={path}" : e.Key.Value)] : List(m["ssh"]),
            Secrets = FileReferences(m["secrets"] as YSequence, $"{at}.build", "secrets"),
            AdditionalContexts = Dict(m["additional_contexts"]),
            Entitlements = List(m["entitlements"]),
            Privileged = Bool(m["privileged"]),
            Provenance = Str(m["provenance"]),
            Sbom = Str(m["sbom"]),
            Isolation = Str(m["isolation"]),
            Ulimits = Ulimits(m["ulimits"] as YMapping, $"{at}.build"),
        },
        _ => null,
    };

    /// <summary>A local context becomes an absolute path; a remote one (a Git or HTTP URL) is kept as written.</summary>
    private string BuildContext(string value, YNode node, string where) => IsRemote(value) ? value : HostPath(value, node, where) ?? value;

    /// <summary>A host path resolved against the project directory; null (reported) when it holds a NUL character, which no path can.</summary>
    private string? HostPath(string path, YNode node, string where)
    {
        if (!path.Contains('\0')) return context.ResolvePath(path);
        diagnostics.Error("path.nul", $"{where}: a path cannot contain a NUL character", node.Start);
        return null;
    }

    internal static bool IsRemote(string context) =>
        context.Contains("://", StringComparison.Ordinal) || context.StartsWith("git@", StringComparison.Ordinal) ||
        context.StartsWith("github.com/", StringComparison.Ordinal);

    private ImmutableArray<string>? CommandLine(YNode? node, string at)
    {
        switch (node)
        {
            case YSequence seq: return [.. seq.Items.OfType<YScalar>().Select(s => s.Value)];
            case YScalar s when s.IsNull: return null;
            case YScalar s:
                if (ValueParsers.TrySplitShellWords(s.Value, out var words)) return [.. words];
                diagnostics.Error("service.command", $"{at}: unbalanced quotes in \"{s.Value}\"", s.Start);
                return null;
            default: return null;
        }
    }

    private ImmutableSortedDictionary<string, string?> Environment(YMapping m, string at)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
        foreach (var file in EnvFiles(m["env_file"], at))
            foreach (var (k, v) in file) result[k] = v;
        foreach (var (key, value, position) in Pairs(m["environment"], '='))
        {
            if (key.Length == 0) { diagnostics.Error("service.environment", $"{at}.environment: empty variable name", position); continue; }
            // A name without a value takes the shell's; if the shell has none it stays null (printed so by config,
            // never sent to the engine), and still overrides an env_file's value, as in Compose.
            result[key] = value ?? context.Lookup(key);
        }
        return result.ToImmutable();
    }

    private IEnumerable<IReadOnlyList<(string, string?)>> EnvFiles(YNode? node, string at)
    {
        if (context.DiscardEnvFiles) yield break;
        var items = node switch
        {
            YScalar s when !s.IsNull => [(s, true)],
            YSequence seq => seq.Items.Select(i => i switch
            {
                YScalar s => (s, true),
                YMapping mm when mm["path"] is YScalar p => (p, (mm["required"] as YScalar)?.AsBool() ?? true),
                _ => ((YScalar?)null, false),
            }).Where(x => x.Item1 is not null).Select(x => (x.Item1!, x.Item2)).ToList(),
            _ => [],
        };
        var formats = (node as YSequence)?.Items.OfType<YMapping>().Where(mm => mm["path"] is YScalar)
            .ToDictionary(mm => (YScalar)mm["path"]!, mm => mm["format"] as YScalar) ?? [];
        foreach (var (pathNode, required) in items)
        {
            var format = formats.GetValueOrDefault(pathNode);
            if (format is { IsNull: false } && format.Value is not ("raw" or ".env"))
            {
                diagnostics.Error("service.env-file", $"{at}.env_file: unsupported env_file format \"{format.Value}\" (expected \"raw\" or none)", format.Start);
                continue;
            }
            if (HostPath(pathNode.Value, pathNode, $"{at}.env_file") is not { } path) continue;
            var text = context.ReadFile(path);
            if (text is null)
            {
                if (required) diagnostics.Error("service.env-file", $"{at}.env_file: env file {path} not found", pathNode.Start);
                continue;
            }
            if (format?.Value == "raw")
            {
                var (raw, rawError) = RawEnvFile.Parse(text, context.Lookup);
                if (rawError is not null) diagnostics.Error("service.env-file", $"{at}.env_file: {rawError.Message}", new SourcePosition(path, rawError.Line, rawError.Column));
                else yield return raw.Select(e => (e.Key, e.Value)).ToList();
                continue;
            }
            var (entries, error) = EnvFile.Parse(text, context.Lookup);
            if (error is not null)
            {
                // Named after the service (and coded as a missing file is), so a command on other services skips it.
                diagnostics.Error("service.env-file", $"{at}.env_file: {error.Message}", new SourcePosition(path, error.Line, error.Column));
                continue;
            }
            yield return entries.Select(e => (e.Key, e.Value)).ToList();
        }
    }
}
