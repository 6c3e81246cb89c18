using System.Collections.Immutable;
using System.Text.Json;
using Composer.Core.Engine;
using Composer.Core.Loading;
using Composer.Core.Model;

namespace Composer.Core.Tests.Loading;

/// <summary>
/// Nothing the compose-spec schema accepts is dropped in silence. Every property of the schema's service, build,
/// service network attachment, long-syntax volume (and its bind/volume/tmpfs/image sections), env_file item, network
/// (and ipam) and volume definitions is listed below with a sample, and the sample either reaches the model (it is
/// printed back by <c>config</c>, or its effect is there: env files, extends, profiles) or it is in the explicit table
/// of keys Docker Engine 20.10 cannot honour, whose error, naming the key and the engine version, is asserted. A key
/// added to the schema fails <see cref="Every_schema_property_is_classified"/> until someone decides its fate here.
/// </summary>
public sealed class SchemaKeyAuditTests
{
    private static readonly EngineInfo Engine2010 = new("20.10.24", "1.41");

    /// <summary>How a sample is checked: printed at its path (the default), an effect on the model, or an engine refusal.</summary>
    private sealed record Case(string Yaml, string? EngineError = null, Func<Project, bool>? Effect = null, string Top = "");

    private static Case Printed(string yaml, string top = "") => new(yaml, Top: top);
    private static Case Cant(string yaml, string error, string top = "") => new(yaml, error, Top: top);
    private static Case Effect(string yaml, Func<Project, bool> effect, string top = "") => new(yaml, Effect: effect, Top: top);

    private static readonly Dictionary<string, Case> Service = new()
    {
        ["annotations"] = Cant("annotations: {com.example/a: '1'}", "'annotations' needs Engine API 1.43 (Docker Engine 24) or later; this is Docker Engine 20.10.24"),
        ["attach"] = Printed("attach: false"),
        ["blkio_config"] = Printed("blkio_config: {weight: 300}"),
        ["build"] = Printed("build: ."),
        ["cap_add"] = Printed("cap_add: [NET_ADMIN]"),
        ["cap_drop"] = Printed("cap_drop: [ALL]"),
        ["cgroup"] = Printed("cgroup: host"),
        ["cgroup_parent"] = Printed("cgroup_parent: parent"),
        ["command"] = Printed("command: [echo, hi]"),
        ["configs"] = Printed("configs: [cfg]", "configs: {cfg: {content: x}}"),
        ["container_name"] = Printed("container_name: box"),
        ["cpu_count"] = Cant("cpu_count: 2", "'cpu_count' is applied only by a Windows engine; this is Docker Engine 20.10.24"),
        ["cpu_percent"] = Cant("cpu_percent: 50", "'cpu_percent' is applied only by a Windows engine; this is Docker Engine 20.10.24"),
        ["cpu_period"] = Printed("cpu_period: 100000"),
        ["cpu_quota"] = Printed("cpu_quota: 50000"),
        ["cpu_rt_period"] = Printed("cpu_rt_period: 1000"),
        ["cpu_rt_runtime"] = Printed("cpu_rt_runtime: 500"),
        ["cpu_shares"] = Printed("cpu_shares: 512"),
        ["cpus"] = Printed("cpus: 0.5"),
        ["cpuset"] = Printed("cpuset: '0'"),
        ["credential_spec"] = Printed("credential_spec: {config: spec}"),
        ["depends_on"] = Printed("depends_on: [other]"),
        ["deploy"] = Printed("deploy: {resources: {limits: {cpus: '0.5'}}}"),
        ["develop"] = Printed("develop: {watch: [{action: sync, path: ./src, target: /app}]}"),
        ["device_cgroup_rules"] = Printed("device_cgroup_rules: ['c 1:3 mr']"),
        ["devices"] = Printed("devices: ['/dev/null:/dev/null']"),
        ["dns"] = Printed("dns: [1.1.1.1]"),
        ["dns_opt"] = Printed("dns_opt: [use-vc]"),
        ["dns_search"] = Printed("dns_search: [example.com]"),
        ["domainname"] = Printed("domainname: example.com"),
        ["entrypoint"] = Printed("entrypoint: [sh]"),
        ["env_file"] = Effect("env_file: ./a.env", p => p.Services["s"].Environment.GetValueOrDefault("FROM_FILE") == "1"),
        ["environment"] = Printed("environment: {A: '1'}"),
        ["expose"] = Printed("expose: ['80']"),
        ["extends"] = Effect("extends: {service: other}", p => p.Services["s"].Environment.ContainsKey("FROM_OTHER")),
        ["external_links"] = Printed("external_links: ['ext:alias']"),
        ["extra_hosts"] = Printed("extra_hosts: ['h=10.0.0.1']"),
        ["gpus"] = Printed("gpus: all"),
        ["group_add"] = Printed("group_add: ['100']"),
        ["healthcheck"] = Printed("healthcheck: {test: [CMD, 'true']}"),
        ["hostname"] = Printed("hostname: box"),
        ["image"] = Printed("image: other:1"),
        ["init"] = Printed("init: true"),
        ["ipc"] = Printed("ipc: private"),
        ["isolation"] = Printed("isolation: default"),
        ["label_file"] = Printed("label_file: ./a.labels"),
        ["labels"] = Printed("labels: {a: b}"),
        ["links"] = Printed("links: [other]"),
        ["logging"] = Printed("logging: {driver: json-file}"),
        ["mac_address"] = Cant("mac_address: '02:42:ac:11:00:02'", "needs Engine API 1.44 (Docker Engine 25) or later; this is Docker Engine 20.10.24"),
        ["mem_limit"] = Printed("mem_limit: 64m"),
        ["mem_reservation"] = Printed("mem_reservation: 32m"),
        ["mem_swappiness"] = Printed("mem_swappiness: 10"),
        ["memswap_limit"] = Printed("memswap_limit: 128m"),
        ["models"] = Cant("models: [llm]", "'models' (llm) needs Docker Model Runner, which Docker Engine 20.10.24", "models: {llm: {model: ai/smollm2}}"),
        ["network_mode"] = Printed("network_mode: host"),
        ["networks"] = Printed("networks: [n]", "networks: {n: {}}"),
        ["oom_kill_disable"] = Printed("oom_kill_disable: true"),
        ["oom_score_adj"] = Printed("oom_score_adj: 100"),
        ["pid"] = Printed("pid: host"),
        ["pids_limit"] = Printed("pids_limit: 100"),
        ["platform"] = Printed("platform: linux/amd64"),
        ["ports"] = Printed("ports: ['8080:80']"),
        ["post_start"] = Printed("post_start: [{command: [echo, hi]}]"),
        ["pre_start"] = Cant("pre_start: [{command: [echo, hi]}]", "'pre_start' asks for init containers"),
        ["pre_stop"] = Printed("pre_stop: [{command: [echo, bye]}]"),
        ["privileged"] = Printed("privileged: true"),
        ["profiles"] = Effect("profiles: [later]", p => p.DisabledServices.ContainsKey("s")),
        ["provider"] = Cant("provider: {type: model, options: {model: ai/smollm2}}", "'provider' (type \"model\") is run by the Compose provider plugin docker-model"),
        ["pull_policy"] = Printed("pull_policy: never"),
        ["pull_refresh_after"] = Printed("pull_refresh_after: 1h"),
        ["read_only"] = Printed("read_only: true"),
        ["restart"] = Printed("restart: always"),
        ["runtime"] = Printed("runtime: runc"),
        ["scale"] = Printed("scale: 2"),
        ["secrets"] = Printed("secrets: [sec]", "secrets: {sec: {file: ./a.env}}"),
        ["security_opt"] = Printed("security_opt: ['no-new-privileges:true']"),
        ["shm_size"] = Printed("shm_size: 64m"),
        ["stdin_open"] = Printed("stdin_open: true"),
        ["stop_grace_period"] = Printed("stop_grace_period: 5s"),
        ["stop_signal"] = Printed("stop_signal: SIGINT"),
        ["storage_opt"] = Printed("storage_opt: {size: 1G}"),
        ["sysctls"] = Printed("sysctls: {net.core.somaxconn: '1024'}"),
        ["tmpfs"] = Printed("tmpfs: [/run]"),
        ["tty"] = Printed("tty: true"),
        ["ulimits"] = Printed("ulimits: {nofile: 1024}"),
        ["use_api_socket"] = Printed("use_api_socket: true"),
        ["user"] = Printed("user: '1000'"),
        ["userns_mode"] = Printed("userns_mode: host"),
        ["uts"] = Printed("uts: host"),
        ["volumes"] = Printed("volumes: ['data:/data']", "volumes: {data: {}}"),
        ["volumes_from"] = Printed("volumes_from: [other]"),
        ["working_dir"] = Printed("working_dir: /app"),
    };

    private const string BuildKit = "needs BuildKit, which Docker Engine 20.10.24 (API 1.41)'s build API does not offer";

    private static readonly Dictionary<string, Case> Build = new()
    {
        ["additional_contexts"] = Cant("additional_contexts: {extra: ./extra}", "'build.additional_contexts' " + BuildKit),
        ["args"] = Printed("args: {A: '1'}"),
        ["cache_from"] = Printed("cache_from: ['app:cache']"),
        ["cache_to"] = Cant("cache_to: [type=inline]", "'build.cache_to' " + BuildKit),
        ["context"] = Printed("context: ./app"),
        ["dockerfile"] = Printed("dockerfile: Other.Dockerfile"),
        ["dockerfile_inline"] = Printed("dockerfile_inline: FROM scratch"),
        ["entitlements"] = Cant("entitlements: [network.host]", "'build.entitlements' " + BuildKit),
        ["extra_hosts"] = Printed("extra_hosts: ['h=10.0.0.1']"),
        ["isolation"] = Printed("isolation: default"),
        ["labels"] = Printed("labels: {a: b}"),
        ["network"] = Printed("network: host"),
        ["no_cache"] = Printed("no_cache: true"),
        ["no_cache_filter"] = Cant("no_cache_filter: [stage]", "'build.no_cache_filter' " + BuildKit),
        ["platforms"] = Cant("platforms: [linux/amd64, linux/arm64]", "'build.platforms (more than one)' " + BuildKit),
        ["privileged"] = Cant("privileged: true", "'build.privileged' " + BuildKit),
        ["provenance"] = Cant("provenance: 'mode=max'", "'build.provenance' " + BuildKit),
        ["pull"] = Printed("pull: true"),
        ["sbom"] = Cant("sbom: 'true'", "'build.sbom' " + BuildKit),
        ["secrets"] = Cant("secrets: [sec]", "'build.secrets' " + BuildKit, "secrets: {sec: {file: ./a.env}}"),
        ["shm_size"] = Printed("shm_size: 64m"),
        ["ssh"] = Cant("ssh: [default]", "'build.ssh' " + BuildKit),
        ["tags"] = Printed("tags: ['app:extra']"),
        ["target"] = Printed("target: stage"),
        ["ulimits"] = Cant("ulimits: {nofile: 1024}", "'build.ulimits' cannot be sent"),
    };

    private static readonly Dictionary<string, Case> Attachment = new()
    {
        ["aliases"] = Printed("aliases: [a]"),
        ["driver_opts"] = Printed("driver_opts: {com.example.opt: v}"),
        ["gw_priority"] = Cant("gw_priority: 1", "'networks.n.gw_priority' needs Engine API 1.48 (Docker Engine 28) or later; this is Docker Engine 20.10.24"),
        ["interface_name"] = Cant("interface_name: eth5", "'networks.n.interface_name' needs Engine API 1.49"),
        ["ipv4_address"] = Printed("ipv4_address: 172.30.0.5"),
        ["ipv6_address"] = Printed("ipv6_address: 'fd00::5'"),
        ["link_local_ips"] = Printed("link_local_ips: [169.254.10.1]"),
        ["mac_address"] = Cant("mac_address: '02:42:ac:11:00:02'", "'networks.n.mac_address' needs Engine API 1.44"),
        ["priority"] = Printed("priority: 1"),
    };

    // Long-syntax mounts: the sample is merged into {type: volume, source: data, target: /data} (or replaces a key).
    private static readonly Dictionary<string, Case> Mount = new()
    {
        ["type"] = Printed("type: volume"),
        ["source"] = Printed("source: data"),
        ["target"] = Printed("target: /data"),
        ["read_only"] = Printed("read_only: true"),
        ["consistency"] = Printed("consistency: cached"),
        ["bind"] = Printed("{type: bind, source: ./src, bind: {}}"),
        ["volume"] = Printed("volume: {}"),
        ["tmpfs"] = Printed("{type: tmpfs, source: null, tmpfs: {size: 1m}}"),
        ["image"] = Cant("{type: image, source: 'app:1', image: {subpath: etc}}", "of type image needs Engine API 1.48"),
    };

    private static readonly Dictionary<string, Case> MountBind = new()
    {
        ["propagation"] = Printed("propagation: rshared"),
        ["create_host_path"] = Printed("create_host_path: false"),
        ["recursive"] = Printed("recursive: disabled"),
        ["selinux"] = Printed("selinux: z"),
    };

    private static readonly Dictionary<string, Case> MountVolume = new()
    {
        ["labels"] = Printed("labels: {a: b}"),
        ["nocopy"] = Printed("nocopy: true"),
        ["subpath"] = Cant("subpath: sub", ".volume.subpath' needs Engine API 1.45 (Docker Engine 26) or later; this is Docker Engine 20.10.24"),
    };

    private static readonly Dictionary<string, Case> MountTmpfs = new()
    {
        ["size"] = Printed("size: 1m"),
        ["mode"] = Printed("mode: 0700"),
    };

    private static readonly Dictionary<string, Case> MountImage = new()
    {
        ["subpath"] = Cant("subpath: etc", "of type image needs Engine API 1.48"),
    };

    private static readonly Dictionary<string, Case> EnvFileItem = new()
    {
        ["path"] = Effect("path: ./a.env", p => p.Services["s"].Environment.GetValueOrDefault("FROM_FILE") == "1"),
        ["required"] = Effect("path: ./missing.env\n  required: false", p => !p.Services["s"].Environment.ContainsKey("FROM_FILE")),
        ["format"] = Effect("path: ./raw.env\n  format: raw", p => p.Services["s"].Environment.GetValueOrDefault("QUOTED") == "\"kept\""),
    };

    private static readonly Dictionary<string, Case> Network = new()
    {
        ["attachable"] = Printed("attachable: true"),
        ["driver"] = Printed("driver: bridge"),
        ["driver_opts"] = Printed("driver_opts: {com.docker.network.bridge.name: br-audit}"),
        ["enable_ipv4"] = Cant("enable_ipv4: false", "'enable_ipv4: false' needs Engine API 1.47 (Docker Engine 27) or later; this is Docker Engine 20.10.24"),
        ["enable_ipv6"] = Printed("enable_ipv6: true"),
        ["external"] = Printed("external: true"),
        ["internal"] = Printed("internal: true"),
        ["ipam"] = Printed("ipam: {driver: default}"),
        ["labels"] = Printed("labels: {a: b}"),
        ["name"] = Printed("name: audit-net"),
    };

    private static readonly Dictionary<string, Case> Ipam = new()
    {
        ["driver"] = Printed("driver: default"),
        ["config"] = Printed("config: [{subnet: 172.30.0.0/24}]"),
        ["options"] = Printed("options: {com.example.opt: v}"),
    };

    private static readonly Dictionary<string, Case> IpamPool = new()
    {
        ["subnet"] = Printed("subnet: 172.30.0.0/24"),
        ["ip_range"] = Printed("ip_range: 172.30.0.0/25"),
        ["gateway"] = Printed("gateway: 172.30.0.1"),
        ["aux_addresses"] = Printed("aux_addresses: {router: 172.30.0.2}"),
    };

    private static readonly Dictionary<string, Case> Volume = new()
    {
        ["driver"] = Printed("driver: local"),
        ["driver_opts"] = Printed("driver_opts: {type: tmpfs}"),
        ["external"] = Printed("external: true"),
        ["labels"] = Printed("labels: {a: b}"),
        ["name"] = Printed("name: audit-data"),
    };

    // ---- the schema's properties -------------------------------------------------------------------------------

    private static JsonElement Defs { get; } = LoadSchema();

    private static JsonElement LoadSchema()
    {
        for (var dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            var file = Path.Combine(dir, "schemas", "compose.schema.json");
            if (File.Exists(file)) return JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("$defs").Clone();
        }
        throw new FileNotFoundException("schemas/compose.schema.json not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The named properties of an object schema, or of the first object alternative of a oneOf/anyOf.</summary>
    private static IEnumerable<string> Properties(JsonElement schema)
    {
        if (schema.TryGetProperty("properties", out var props)) return props.EnumerateObject().Select(p => p.Name);
        foreach (var key in new[] { "oneOf", "anyOf" })
            if (schema.TryGetProperty(key, out var alternatives))
                foreach (var alt in alternatives.EnumerateArray())
                    if (Properties(alt).ToList() is { Count: > 0 } found) return found;
        if (schema.TryGetProperty("items", out var items)) return Properties(items);
        if (schema.TryGetProperty("patternProperties", out var patterns))
            foreach (var p in patterns.EnumerateObject().Where(p => !p.Name.StartsWith("^x-", StringComparison.Ordinal)))
                if (Properties(p.Value).ToList() is { Count: > 0 } found) return found;
        return [];
    }

    private static JsonElement Prop(JsonElement schema, string name)
    {
        if (schema.TryGetProperty("properties", out var props) && props.TryGetProperty(name, out var p)) return p;
        foreach (var key in new[] { "oneOf", "anyOf" })
            if (schema.TryGetProperty(key, out var alternatives))
                foreach (var alt in alternatives.EnumerateArray())
                    if (alt.TryGetProperty("properties", out var ap) && ap.TryGetProperty(name, out var found)) return found;
        if (schema.TryGetProperty("items", out var items)) return Prop(items, name);
        throw new KeyNotFoundException(name);
    }

    private static IEnumerable<(string Group, IEnumerable<string> SchemaKeys, Dictionary<string, Case> Table)> Groups()
    {
        var service = Defs.GetProperty("service");
        var volumes = Prop(service, "volumes");
        var network = Defs.GetProperty("network");
        var ipam = Prop(network, "ipam");
        yield return ("service", Properties(service), Service);
        yield return ("build", Properties(Prop(service, "build")), Build);
        yield return ("networks.n", Properties(Prop(service, "networks")), Attachment);
        yield return ("volumes[]", Properties(volumes), Mount);
        yield return ("volumes[].bind", Properties(Prop(volumes, "bind")), MountBind);
        yield return ("volumes[].volume", Properties(Prop(volumes, "volume")), MountVolume);
        yield return ("volumes[].tmpfs", Properties(Prop(volumes, "tmpfs")), MountTmpfs);
        yield return ("volumes[].image", Properties(Prop(volumes, "image")), MountImage);
        yield return ("env_file[]", Properties(Defs.GetProperty("env_file")), EnvFileItem);
        yield return ("network", Properties(network), Network);
        yield return ("network.ipam", Properties(ipam), Ipam);
        yield return ("network.ipam.config[]", Properties(Prop(ipam, "config")), IpamPool);
        yield return ("volume", Properties(Defs.GetProperty("volume")), Volume);
    }

    [Fact]
    public void Every_schema_property_is_classified()
    {
        foreach (var (group, keys, table) in Groups())
        {
            var schemaKeys = keys.Order(StringComparer.Ordinal).ToList();
            schemaKeys.Should().NotBeEmpty(group);
            schemaKeys.Should().BeEquivalentTo(table.Keys, $"every property of {group} in the schema has a row in the audit (and no row is stale)");
        }
    }

    public static TheoryData<string, string> AllCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (group, _, table) in Groups())
            foreach (var key in table.Keys.Order(StringComparer.Ordinal)) data.Add(group, key);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Every_property_reaches_the_model_or_is_refused_naming_the_key_and_engine(string group, string key)
    {
        var table = Groups().Single(g => g.Group == group).Table;
        var sample = table[key];
        var (yaml, path) = Compose(group, key, sample);
        var result = Load(yaml);
        result.Success.Should().BeTrue($"{group}.{key}:\n{yaml}\n{string.Join("\n", result.Diagnostics)}");
        var project = result.Project!;
        if (sample.Effect is { } effect)
        {
            effect(project).Should().BeTrue($"{group}.{key} has its effect on the model");
            return;
        }
        if (path is not null)
            Lookup(ProjectWriter.ToTree(project), path).Should().BeTrue($"config prints {string.Join('.', path)} for {group}.{key}:\n{ProjectWriter.ToYaml(project)}");
        var problems = EngineRequirements.Problems(project, [], Engine2010);
        if (project.Services.TryGetValue("s", out var s) && s.Build is { } build)
            problems.AddRange(EngineRequirements.BuildProblems("audit-s", build, Engine2010));
        if (sample.EngineError is { } error)
            problems.Should().Contain(p => p.Contains(error, StringComparison.Ordinal), $"{group}.{key} is refused by Docker Engine 20.10, naming the key");
        else
            problems.Should().BeEmpty($"{group}.{key} is honoured by Docker Engine 20.10");
    }

    private const string Files = "/audit";

    private static LoadResult Load(string yaml)
    {
        var files = new MemoryFileSource(new Dictionary<string, string>
        {
            [$"{Files}/compose.yaml"] = yaml,
            [$"{Files}/a.env"] = "FROM_FILE=1\n",
            [$"{Files}/raw.env"] = "QUOTED=\"kept\"\n",
            [$"{Files}/a.labels"] = "com.example.from-file=1\n",
        });
        return new ProjectLoader(files).Load(new ProjectOptions
        {
            WorkingDirectory = Files,
            ProjectName = "audit",
            Environment = ImmutableDictionary<string, string>.Empty,
        });
    }

    /// <summary>The compose file holding the sample, and the path in <c>config</c>'s tree where it must show (null: checked otherwise).</summary>
    private static (string Yaml, string[]? Path) Compose(string group, string key, Case sample)
    {
        const string other = "  other:\n    image: composer-busybox:1\n    environment: {FROM_OTHER: '1'}\n";
        string Doc(string service, string top = "") => $"services:\n  s:\n{service}{other}{top}{(sample.Top.Length > 0 ? sample.Top + "\n" : "")}";
        var indent = "    ";
        switch (group)
        {
            case "service":
            {
                var image = key is "image" or "build" or "provider" or "extends" ? "" : $"{indent}image: composer-busybox:1\n";
                return (Doc(image + indent + sample.Yaml + "\n"), ["services", "s", key]);
            }
            case "build":
                return (Doc($"{indent}build:\n{(key == "context" ? "" : $"{indent}  context: .\n")}{indent}  {sample.Yaml}\n"), ["services", "s", "build", key]);
            case "networks.n":
                return (Doc($"{indent}image: composer-busybox:1\n{indent}networks:\n{indent}  n:\n{indent}    {sample.Yaml}\n", "networks: {n: {}}\n"),
                    ["services", "s", "networks", "n", key]);
            case "volumes[]" or "volumes[].bind" or "volumes[].volume" or "volumes[].tmpfs" or "volumes[].image":
            {
                var mount = new Dictionary<string, string?> { ["type"] = "volume", ["source"] = "data", ["target"] = "/data" };
                var section = group.Split('.') is [_, var s] ? s : null;
                if (section is null && sample.Yaml.StartsWith('{'))
                    foreach (var (k, v) in FlowPairs(sample.Yaml)) mount[k] = v;
                else if (section is null) { var (k, v) = FlowPairs("{" + sample.Yaml + "}").Single(); mount[k] = v; }
                else
                {
                    mount["type"] = section;
                    mount["source"] = section switch { "bind" => "./src", "tmpfs" => null, "image" => "'app:1'", _ => "data" };
                    mount[section] = "{" + sample.Yaml + "}";
                }
                var flow = "{" + string.Join(", ", mount.Where(kv => kv.Value is not null && kv.Value != "null").Select(kv => $"{kv.Key}: {kv.Value}")) + "}";
                return (Doc($"{indent}image: composer-busybox:1\n{indent}volumes:\n{indent}  - {flow}\n", "volumes: {data: {}}\n"),
                    section is null ? ["services", "s", "volumes", "0", key] : ["services", "s", "volumes", "0", section, key]);
            }
            case "env_file[]":
                return (Doc($"{indent}image: composer-busybox:1\n{indent}env_file:\n{indent}- {sample.Yaml.Replace("\n", "\n" + indent)}\n"), null);
            case "network":
            {
                var top = $"networks:\n  n:\n    {sample.Yaml}\n";
                return (Doc($"{indent}image: composer-busybox:1\n{indent}networks: [n]\n", top), ["networks", "n", key]);
            }
            case "network.ipam":
                return (Doc($"{indent}image: composer-busybox:1\n{indent}networks: [n]\n", $"networks:\n  n:\n    ipam:\n      {sample.Yaml}\n"),
                    ["networks", "n", "ipam", key]);
            case "network.ipam.config[]":
                return (Doc($"{indent}image: composer-busybox:1\n{indent}networks: [n]\n", $"networks:\n  n:\n    ipam:\n      config:\n        - {sample.Yaml}\n"),
                    ["networks", "n", "ipam", "config", "0", key]);
            case "volume":
                return (Doc($"{indent}image: composer-busybox:1\n{indent}volumes: ['v:/data']\n", $"volumes:\n  v:\n    {sample.Yaml}\n"), ["volumes", "v", key]);
            default:
                throw new ArgumentException(group);
        }
    }

    /// <summary>Top-level pairs of a one-line flow mapping (values may be flow mappings themselves).</summary>
    private static IEnumerable<(string Key, string Value)> FlowPairs(string flow)
    {
        var body = flow.Trim()[1..^1];
        var depth = 0;
        var start = 0;
        var parts = new List<string>();
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] is '{' or '[') depth++;
            else if (body[i] is '}' or ']') depth--;
            else if (body[i] == ',' && depth == 0) { parts.Add(body[start..i]); start = i + 1; }
        }
        parts.Add(body[start..]);
        foreach (var part in parts.Where(p => p.Trim().Length > 0))
        {
            var colon = part.IndexOf(':');
            yield return (part[..colon].Trim(), part[(colon + 1)..].Trim());
        }
    }

    private static bool Lookup(object? node, IReadOnlyList<string> path)
    {
        foreach (var step in path)
        {
            node = node switch
            {
                Dictionary<string, object?> d when d.TryGetValue(step, out var next) => next,
                System.Collections.IList list when int.TryParse(step, out var i) && i < list.Count => list[i],
                _ => Missing,
            };
            if (ReferenceEquals(node, Missing)) return false;
        }
        return true;
    }

    private static readonly object Missing = new();
}
