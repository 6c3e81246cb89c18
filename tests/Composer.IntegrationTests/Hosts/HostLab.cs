using Composer.IntegrationTests.Stack;

namespace Composer.IntegrationTests.Hosts;

/// <summary>
/// Three plain engines in network namespaces for multi-host projects (scripts/hosts.sh with LAB=hosts: hostA, hostB,
/// hostC on 10.99.1.0/24), apart from the Swarm lab. Uses the lab when it is up; otherwise starts it, and stops it
/// again at the end, so a test run leaves the machine as it found it.
/// </summary>
public sealed class HostLab : IAsyncLifetime
{
    public static readonly string[] Hosts = ["hostA", "hostB", "hostC"];
    public static string Socket(string host) => $"unix:///run/{host}/docker.sock";
    public static string Address(string host) => $"10.99.1.{11 + Array.IndexOf(Hosts, host)}";
    private static readonly Dictionary<string, string> Lab = new() { ["LAB"] = "hosts" };
    private bool _startedHere;

    /// <summary>The x-composer.hosts block naming hostA, hostB, hostC as a, b, c.</summary>
    public static string HostsBlock => $$"""
        x-composer:
          hosts:
            a: { docker_host: "{{Socket("hostA")}}", address: "{{Address("hostA")}}" }
            b: { docker_host: "{{Socket("hostB")}}", address: "{{Address("hostB")}}" }
            c: { docker_host: "{{Socket("hostC")}}", address: "{{Address("hostC")}}" }

        """;

    public async Task InitializeAsync()
    {
        var up = 0;
        foreach (var host in Hosts)
            if ((await SwarmLab.RunAsync("docker", ["-H", Socket(host), "version", "--format", "{{.Server.Version}}"], TimeSpan.FromSeconds(10), check: false)).Exit == 0) up++;
        if (up == Hosts.Length) return;
        // Stopped again at the end only when none was up: a lab with one engine down is another test's (a host killed on purpose).
        _startedHere = up == 0;
        await SwarmLab.RunAsync("bash", [SwarmLab.Script, "up"], TimeSpan.FromSeconds(120), env: Lab);
    }

    public async Task DisposeAsync()
    {
        if (_startedHere) await SwarmLab.RunAsync("bash", [SwarmLab.Script, "down"], TimeSpan.FromSeconds(120), check: false, env: Lab);
    }

    public static Task<(int Exit, string Output)> DockerAsync(string host, params string[] args) =>
        SwarmLab.RunAsync("docker", ["-H", Socket(host), .. args], TimeSpan.FromSeconds(60), check: false);

    /// <summary>What the project has on one engine, by label: containers, networks, volumes (names).</summary>
    public static async Task<string[]> ResourcesAsync(string host, string project)
    {
        var filter = $"label=com.docker.compose.project={project}";
        var containers = await DockerAsync(host, "ps", "-a", "--filter", filter, "--format", "{{.Names}}");
        var networks = await DockerAsync(host, "network", "ls", "--filter", filter, "--format", "{{.Name}}");
        var volumes = await DockerAsync(host, "volume", "ls", "--filter", filter, "--format", "{{.Name}}");
        return [.. (containers.Output + networks.Output + volumes.Output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    /// <summary>Removes, by label, whatever the project left on every engine of the lab (after a failed test).</summary>
    public static async Task RemoveProjectAsync(string project)
    {
        var filter = $"label=com.docker.compose.project={project}";
        foreach (var host in Hosts)
        {
            var containers = (await DockerAsync(host, "ps", "-aq", "--filter", filter)).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (containers.Length > 0) await DockerAsync(host, ["rm", "-f", "-v", .. containers]);
            var networks = (await DockerAsync(host, "network", "ls", "-q", "--filter", filter)).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (networks.Length > 0) await DockerAsync(host, ["network", "rm", .. networks]);
            var volumes = (await DockerAsync(host, "volume", "ls", "-q", "--filter", filter)).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (volumes.Length > 0) await DockerAsync(host, ["volume", "rm", .. volumes]);
        }
    }
}

[CollectionDefinition("hostlab")]
public sealed class HostLabCollection : ICollectionFixture<HostLab>;
