using Composer.IntegrationTests.Connections;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Hosts;

/// <summary>
/// Issue 13 on real engines: one compose file across the three engines of the host lab (hostA, hostB, hostC in
/// network namespaces). Traffic: the lab's namespaces and the project's own containers.
/// </summary>
[Collection("hostlab")]
public sealed class MultiHostTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>web on c asks api on b, which reads db on a: through the ambassadors Composer inserts.</summary>
    private static string ThreeHosts => HostLab.HostsBlock + """
        services:
          db:
            image: composer-busybox:1
            init: true
            expose: ["5432"]
            environment: { DB_SECRET: rows-from-db }
            command: [sh, -c, 'while true; do echo "db says $$DB_SECRET" | nc -l -p 5432; done']
            x-composer: { host: a }
          api:
            image: composer-busybox:1
            init: true
            expose: ["8080"]
            links: [db]
            command: [sh, -c, 'mkdir -p /www/cgi-bin && printf "#!/bin/sh\necho Content-Type: text/plain\necho\nnc db 5432 </dev/null\n" > /www/cgi-bin/q && chmod +x /www/cgi-bin/q && exec httpd -f -p 8080 -h /www']
            x-composer: { host: b }
          web:
            image: composer-busybox:1
            init: true
            depends_on: [api]
            environment: { API_URL: "http://api:8080/cgi-bin/q" }
            command: [sleep, "2147483647"]
            x-composer: { host: c }
        """;

    [Fact]
    public async Task Three_hosts_come_up_with_one_up_web_reaches_db_and_down_leaves_nothing_on_any_engine()
    {
        await Examples.RunBuildScriptAsync("two-hosts");
        await using var project = await TestProject.CreateAsync("hosts3", ThreeHosts);
        try
        {
            var plan = await project.RunOkAsync("plan");
            plan.Stdout.Should().Contain("create container " + project.ContainerName("db-export") + " on a");
            plan.Stdout.Should().Contain("cross-host ambassador (import): answers as db on b, forwarding to 10.99.1.11:5432, because api on b links db on a");
            plan.Stdout.Should().Contain("create network " + project.Name + "_default on a, b, c");

            await project.RunOkAsync("up", "-d");

            // Each engine sees its own part only.
            (await HostLab.ResourcesAsync("hostA", project.Name)).Should().BeEquivalentTo(project.ContainerName("db"), project.ContainerName("db-export"), project.Name + "_default");
            (await HostLab.ResourcesAsync("hostB", project.Name)).Should().BeEquivalentTo(project.ContainerName("api"), project.ContainerName("api-export"), project.ContainerName("db-import-b"), project.Name + "_default");
            (await HostLab.ResourcesAsync("hostC", project.Name)).Should().BeEquivalentTo(project.ContainerName("web"), project.ContainerName("api-import-c"), project.Name + "_default");
            (await project.ContainersAsync()).Should().BeEmpty("no service runs on the local engine");
            (await HostLab.DockerAsync("hostB", "inspect", "-f", "{{index .Config.Labels \"io.composer.host\"}}", project.ContainerName("api"))).Output.Trim().Should().Be("b");

            var answer = await Eventually.Until(() => HostLab.DockerAsync("hostC", "exec", project.ContainerName("web"), "sh", "-c", "timeout 10 wget -qO- \"$API_URL\""),
                r => r.Exit == 0 && r.Output.Contains("db says"), "web on c to reach db on a through api on b", Deadline);
            answer.Output.Should().Contain("db says rows-from-db");

            // The consumer's link variables point at its local import and carry the provider's own environment.
            var env = (await HostLab.DockerAsync("hostB", "exec", project.ContainerName("api"), "env")).Output;
            var importAddress = (await HostLab.DockerAsync("hostB", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", project.ContainerName("db-import-b"))).Output.Trim();
            env.Should().Contain($"DB_PORT_5432_TCP_ADDR={importAddress}").And.Contain("DB_ENV_DB_SECRET=rows-from-db").And.Contain($"DB_PORTS=tcp://{importAddress}:5432");

            var ps = await project.RunOkAsync("ps");
            ps.Stdout.Should().MatchRegex(@"NAME\s+IMAGE\s+COMMAND\s+SERVICE\s+HOST\s+CREATED");
            ps.Stdout.Should().MatchRegex($@"{project.ContainerName("db")}\s+composer-busybox:1\s+.*\s+db\s+a\s+");
            ps.Stdout.Should().MatchRegex($@"{project.ContainerName("web")}\s+composer-busybox:1\s+.*\s+web\s+c\s+");
            ps.Stdout.Should().Contain("10.99.1.11:5432->5432/tcp");
            var logs = await project.RunOkAsync("logs", "db-export");
            logs.Stdout.Should().Contain("forwarding to db:5432");
            var endpoints = await project.RunOkAsync("endpoints", "api");
            endpoints.Stdout.Should().MatchRegex(@"api\s+\S+api-1\s+b\s+");
            (await project.RunOkAsync("plan")).Stdout.Should().NotContain("create container", "a second plan has nothing to create");

            await project.RunOkAsync("down");
            foreach (var host in HostLab.Hosts) (await HostLab.ResourcesAsync(host, project.Name)).Should().BeEmpty($"down leaves nothing on {host}");
            (await project.ContainersAsync()).Should().BeEmpty();
        }
        finally
        {
            await HostLab.RemoveProjectAsync(project.Name);
        }
    }

    [Theory]
    [InlineData("host: d, failover: [b, a]", "up", "compose.yaml:9:25: error: service \"db\" is placed on unknown host \"d\" (x-composer.hosts defines a, b, c, local)")]
    [InlineData("host: a, failover: [b, a]", "config", "compose.yaml:9:42: error: service \"db\": cycle of placement: it runs on \"a\" and its failover list leads back to \"a\"")]
    public async Task The_loader_rejects_an_unknown_host_and_a_cycle_of_placement_with_line_and_column(string placement, string command, string error)
    {
        await using var project = await TestProject.CreateAsync("hostsbad", HostLab.HostsBlock + $$"""
            services:
              db:
                image: composer-busybox:1
                x-composer: { {{placement}} }
            """);
        var result = await project.RunAsync(command);
        result.ExitCode.Should().Be(2, result.ToString());
        result.Stderr.Should().Contain(error);
    }

    [Fact]
    public async Task The_two_hosts_example_client_on_b_reaches_redis_on_a_by_name()
    {
        await Examples.RunBuildScriptAsync("two-hosts");
        await using var project = await Examples.CopyAsync("two-hosts", "hosts2");
        try
        {
            await project.RunOkAsync("up", "-d");
            var answer = await Eventually.Until(() => HostLab.DockerAsync("hostB", "exec", project.ContainerName("client"), "sh", "-c", "nc redis 6379 </dev/null"),
                r => r.Exit == 0 && r.Output.Contains("PONG"), "the client on b to reach redis on a", Deadline);
            answer.Output.Should().Contain("+PONG from redis on host a");
            var env = (await HostLab.DockerAsync("hostB", "exec", project.ContainerName("client"), "env")).Output;
            env.Should().Contain("REDIS_ENV_REDIS_ROLE=primary").And.Contain("REDIS_PORT_6379_TCP_PORT=6379");
            (await HostLab.ResourcesAsync("hostC", project.Name)).Should().BeEmpty("the example uses a and b only");

            await project.RunOkAsync("down");
            foreach (var host in HostLab.Hosts) (await HostLab.ResourcesAsync(host, project.Name)).Should().BeEmpty();
        }
        finally
        {
            await HostLab.RemoveProjectAsync(project.Name);
        }
    }

    [Fact]
    public async Task A_host_can_be_a_docker_context()
    {
        var config = Directory.CreateTempSubdirectory("composer-dcfg").FullName;
        await using var project = await TestProject.CreateAsync("hostsctx", """
            x-composer:
              hosts:
                c: { docker_host: lab-c, address: "10.99.1.13" }
            services:
              s: { image: composer-busybox:1, init: true, command: [sleep, "600"], x-composer: { host: c } }
            """);
        try
        {
            var env = new Dictionary<string, string> { ["DOCKER_CONFIG"] = config };
            (await Stack.SwarmLab.RunAsync("docker", ["context", "create", "lab-c", "--docker", $"host={HostLab.Socket("hostC")}"], TimeSpan.FromSeconds(30), env: env)).Exit.Should().Be(0);
            await project.RunOkAsync(env, "up", "-d");
            (await HostLab.ResourcesAsync("hostC", project.Name)).Should().Contain(project.ContainerName("s"));
            await project.RunOkAsync(env, "down");
            (await HostLab.ResourcesAsync("hostC", project.Name)).Should().BeEmpty();
        }
        finally
        {
            await HostLab.RemoveProjectAsync(project.Name);
            Directory.Delete(config, recursive: true);
        }
    }
}
