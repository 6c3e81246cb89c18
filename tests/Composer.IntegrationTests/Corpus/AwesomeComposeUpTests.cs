using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Composer.IntegrationTests.Support;
using Docker.DotNet.Models;

namespace Composer.IntegrationTests.Corpus;

/// <summary>
/// The docker/awesome-compose samples (tests/fixtures/corpus/awesome-compose, byte-for-byte) on the real engine.
/// Nothing can be pulled here, and every sample needs a registry image (an <c>image:</c>, or a Dockerfile whose FROM
/// is one: tests/fixtures/corpus/awesome-compose-images.json, read from each sample's Dockerfiles). So a sample that
/// needs none would come up as it is (<see cref="Samples_needing_no_registry_image_come_up_as_they_are"/>, none today),
/// and every other one gets a <b>stand-in</b> test: the sample's own file plus an override the test writes, which
/// replaces every image by composer-busybox:1 running a sleep, and checks the sample's wiring (containers, networks,
/// volumes, published ports, healthchecks and the depends_on they gate) comes up as the file says.
/// </summary>
public sealed class AwesomeComposeUpTests
{
    private static readonly string CorpusDirectory = Path.Combine(
        Path.GetDirectoryName(Composer.Core.Tests.LoaderFixture.FixturesDirectory)!, "corpus");

    private static readonly JsonObject Images = JsonNode.Parse(File.ReadAllText(Path.Combine(CorpusDirectory, "awesome-compose-images.json")))!.AsObject();

    private static IEnumerable<string> Samples() => Images.Select(kv => kv.Key).Order(StringComparer.Ordinal);

    /// <summary>The registry images a sample needs: its services' images and their builds' base images.</summary>
    private static IEnumerable<string> RegistryImages(string sample) => Images[sample]!.AsObject()
        .SelectMany(s => s.Value!["image"] is { } image ? [(string)image!] : s.Value!["build_from"]!.AsArray().Select(i => (string)i!));

    public static TheoryData<string> SamplesNeedingRegistryImages() => new(Samples().Where(s => RegistryImages(s).Any()));

    [Fact]
    public async Task Samples_needing_no_registry_image_come_up_as_they_are()
    {
        var samples = Samples().ToList();
        samples.Should().HaveCount(39, "every awesome-compose sample is classified");
        foreach (var sample in samples)
        {
            // The classification names exactly the sample's services.
            var config = await ConfigAsync(sample);
            Images[sample]!.AsObject().Select(kv => kv.Key).Should().BeEquivalentTo(config["services"]!.AsObject().Select(kv => kv.Key), sample);
        }
        foreach (var sample in samples.Where(s => !RegistryImages(s).Any()))
        {
            await using var project = await CopyAsync(sample);
            var up = await project.RunAsync("up", "-d");
            up.ExitCode.Should().Be(0, $"{sample} needs no registry image and must come up:\n{up}");
            (await project.RunAsync("down", "-v")).ExitCode.Should().Be(0);
        }
    }

    /// <summary>Stand-in: the sample's wiring with every image replaced (see the class summary); not the real application.</summary>
    [Theory]
    [MemberData(nameof(SamplesNeedingRegistryImages))]
    public async Task Stand_in_wiring_of_sample_comes_up(string sample)
    {
        await using var project = await CopyAsync(sample);
        var config = await ConfigAsync(sample, project);
        await File.WriteAllTextAsync(Path.Combine(project.Directory, "compose.stand-in.yaml"), StandIn(config, project.Directory));
        var files = new[] { "-f", "compose.yaml", "-f", "compose.stand-in.yaml" };

        var up = await project.RunAsync([.. files, "up", "-d", "--no-build"]);
        up.ExitCode.Should().Be(0, $"the stand-in of {sample} must come up:\n{up}");

        var client = await Engine.ClientAsync();
        var containers = await project.ContainersAsync();
        foreach (var (name, node) in config["services"]!.AsObject())
        {
            var service = node!.AsObject();
            var mine = containers.Where(c => c.Labels["com.docker.compose.service"] == name).ToList();
            mine.Should().NotBeEmpty($"{sample}: service {name} has a container");
            foreach (var c in mine)
            {
                var inspect = await client.Containers.InspectContainerAsync(c.ID);
                inspect.State.Running.Should().BeTrue($"{sample}: {name} is running");
                CheckNetworks(sample, name, service, config, inspect);
                CheckVolumes(sample, name, service, config, inspect);
                CheckPorts(sample, name, service, inspect);
                if (service["healthcheck"] is JsonObject hc && hc["disable"]?.GetValue<bool>() != true)
                    await Eventually.Until(() => client.Containers.InspectContainerAsync(c.ID), i => i.State.Health?.Status == "healthy",
                        $"{sample}: {name} to turn healthy");
            }
        }
        foreach (var (key, node) in config["volumes"]?.AsObject() ?? [])
            if (node?["external"]?.GetValue<bool>() != true)
                (await client.Volumes.InspectAsync((string)node!["name"]!)).Should().NotBeNull($"{sample}: volume {key} exists");

        var down = await project.RunAsync([.. files, "down", "-v"]);
        down.ExitCode.Should().Be(0, down.ToString());
        (await project.ContainersAsync()).Should().BeEmpty();
    }

    private static void CheckNetworks(string sample, string service, JsonObject s, JsonObject config, ContainerInspectResponse inspect)
    {
        if (s["network_mode"] is { } mode)
        {
            inspect.HostConfig.NetworkMode.Should().Be((string)mode!, $"{sample}: {service}'s network_mode");
            return;
        }
        foreach (var (network, _) in s["networks"]?.AsObject() ?? [])
        {
            var engineName = (string)config["networks"]![network]!["name"]!;
            inspect.NetworkSettings.Networks.Should().ContainKey(engineName, $"{sample}: {service} is on network {network}");
        }
    }

    private static void CheckVolumes(string sample, string service, JsonObject s, JsonObject config, ContainerInspectResponse inspect)
    {
        foreach (var mount in s["volumes"]?.AsArray() ?? [])
        {
            var target = (string)mount!["target"]!;
            var found = inspect.Mounts.FirstOrDefault(m => m.Destination == target.TrimEnd('/'));
            found.Should().NotBeNull($"{sample}: {service} mounts {target}");
            if ((string?)mount["type"] == "volume" && mount["source"] is { } source)
                found!.Name.Should().Be((string)config["volumes"]![(string)source!]!["name"]!, $"{sample}: {service}'s {target} is volume {source}");
        }
    }

    private static void CheckPorts(string sample, string service, JsonObject s, ContainerInspectResponse inspect)
    {
        foreach (var port in s["ports"]?.AsArray() ?? [])
        {
            var key = $"{(int)port!["target"]!}/{(string?)port["protocol"] ?? "tcp"}";
            inspect.NetworkSettings.Ports.Should().ContainKey(key, $"{sample}: {service} publishes {key}");
            inspect.NetworkSettings.Ports[key].Should().NotBeNullOrEmpty($"{sample}: {service} publishes {key} on the host");
        }
    }

    /// <summary>A copy of the sample's corpus folder (the compose file as compose.yaml, its .env and secret files).</summary>
    private static async Task<TestProject> CopyAsync(string sample)
    {
        var dir = Path.Combine(CorpusDirectory, "awesome-compose", sample);
        var compose = Directory.GetFiles(dir, "compose.y*ml").Single();
        var others = Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Where(f => f != compose)
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllText);
        return await TestProject.CreateAsync("ac-" + sample.ToLowerInvariant(), await File.ReadAllTextAsync(compose), others);
    }

    /// <summary>The sample's model as Composer resolves it (in its own copy when given, else in the corpus folder).</summary>
    private static async Task<JsonObject> ConfigAsync(string sample, TestProject? project = null)
    {
        var dir = project?.Directory ?? Path.Combine(CorpusDirectory, "awesome-compose", sample);
        var file = Path.GetFileName(Directory.GetFiles(dir, "compose.y*ml").Single());
        var args = project is null ? new[] { "-f", file, "config", "--format", "json" } : ["-p", project.Name, "-f", file, "config", "--format", "json"];
        var result = await ComposerCli.RunAsync(dir, args);
        result.ExitCode.Should().Be(0, $"{sample} loads:\n{result}");
        return JsonNode.Parse(result.Stdout)!.AsObject();
    }

    /// <summary>
    /// The override file of a stand-in. Per service: the test image running a sleep that ends on SIGTERM; a
    /// healthcheck that passes every second (a registry image's own probe cannot run in busybox); a named user
    /// (from the image) as root; no runtime or platform (a wasm runtime does not exist here); every published port
    /// on 127.0.0.1 with the engine choosing the host port (the file's fixed ports, 80, 53…, would collide with the
    /// host and other tests on a shared engine); bind mounts from outside the sample's folder (/etc/pihole,
    /// ~/minecraft_data, the docker socket) re-pointed into it. Networks, volumes, depends_on, environment,
    /// secrets, capabilities, restart policies and everything else stay as the file says.
    /// </summary>
    private static string StandIn(JsonObject config, string directory)
    {
        var yaml = new StringBuilder("services:\n");
        foreach (var (name, node) in config["services"]!.AsObject())
        {
            var s = node!.AsObject();
            yaml.Append($"  {Quote(name)}:\n");
            yaml.Append($"    image: {Engine.BusyboxImage}\n");
            yaml.Append("    entrypoint: [\"sh\", \"-c\", \"trap 'exit 0' TERM; sleep 2147483647 & wait\"]\n");
            yaml.Append("    command: [\"stand-in\"]\n");
            if (s["healthcheck"] is JsonObject hc && hc["disable"]?.GetValue<bool>() != true)
                yaml.Append("    healthcheck:\n      test: [\"CMD\", \"true\"]\n      interval: 1s\n      start_period: 0s\n");
            if (s["user"] is { } user && !((string)user!).Split(':')[0].All(char.IsAsciiDigit))
                yaml.Append("    user: root\n");
            if (s["runtime"] is not null) yaml.Append("    runtime: !reset null\n");
            if (s["platform"] is not null) yaml.Append("    platform: !reset null\n");
            if (s["ports"] is JsonArray ports && ports.Count > 0)
            {
                yaml.Append("    ports: !override\n");
                foreach (var p in ports)
                    yaml.Append($"      - {Quote($"127.0.0.1::{(int)p!["target"]!}/{(string?)p["protocol"] ?? "tcp"}")}\n");
            }
            if (s["volumes"] is JsonArray volumes && volumes.Any(v => IsOutside(v!, directory)))
            {
                yaml.Append("    volumes: !override\n");
                foreach (var v in volumes)
                {
                    var mount = (JsonObject)v!.DeepClone();
                    if (IsOutside(mount, directory))
                        mount["source"] = Path.Combine(directory, "outside", ((string)mount["source"]!).TrimStart('/'));
                    yaml.Append($"      - {mount.ToJsonString()}\n");
                }
            }
        }
        return yaml.ToString();
    }

    private static bool IsOutside(JsonNode mount, string directory) =>
        (string?)mount["type"] == "bind" && !((string)mount["source"]!).StartsWith(directory + "/", StringComparison.Ordinal);

    private static string Quote(string text) => JsonSerializer.Serialize(text);
}
