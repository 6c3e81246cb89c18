using System.Globalization;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Stack;

/// <summary><c>composer stack</c> on a real 3-node Swarm (engines in network namespaces, scripts/hosts.sh).</summary>
[Collection("swarm")]
public class StackDeployTests(SwarmLab lab)
{
    private readonly SwarmLab _lab = lab;

    private static string File(string level) => $$$"""
        x-svc: &svc
          image: composer-busybox:1
          init: true
          stop_grace_period: 1s
        services:
          db:
            <<: *svc
            command: ["sh", "-c", "echo db > /tmp/index.html; exec httpd -f -p 80 -h /tmp"]
            healthcheck:
              test: ["CMD", "sh", "-c", "timeout 2 wget -qO- http://127.0.0.1/ >/dev/null"]
              interval: 1s
              timeout: 2s
              retries: 20
            deploy: { endpoint_mode: dnsrr }
          cache:
            <<: *svc
            command: ["sleep", "3600"]
            deploy: { endpoint_mode: dnsrr }
          api:
            <<: *svc
            command: ["sh", "-c", "echo \"api on $$NODE $$(cat /run/secrets/token) $$(cat /api.conf)\" > /tmp/index.html; exec httpd -f -p 80 -h /tmp"]
            environment: { NODE: "{{.Node.Hostname}}", LEVEL: "{{{level}}}" }
            depends_on:
              db: { condition: service_healthy }
              cache: { condition: service_started }
            configs: [{ source: api_conf, target: /api.conf }]
            secrets: [token]
            deploy:
              replicas: 3
              endpoint_mode: dnsrr
              placement: { preferences: [{ spread: node.labels.host }] }
          web:
            <<: *svc
            command: ["sleep", "3600"]
            depends_on: [api]
            deploy: { endpoint_mode: dnsrr }
          worker:
            <<: *svc
            command: ["sleep", "3600"]
            depends_on: [cache]
            deploy: { endpoint_mode: dnsrr }
          client:
            <<: *svc
            command: ["sleep", "3600"]
            depends_on: [api, web]
            deploy: { endpoint_mode: dnsrr }
        configs:
          api_conf: { content: "conf-v1" }
        secrets:
          token: { file: ./token.txt }
        """;

    private static readonly Dictionary<string, string> OnManager = new() { ["DOCKER_HOST"] = SwarmLab.Manager };

    private static Task<CliResult> Composer(TestProject p, params string[] args) =>
        ComposerCli.RunAsync(p.Directory, ["-p", p.Name, .. args], OnManager, TimeSpan.FromMinutes(3));

    private sealed record TaskRow(string Id, string Service, string Node, DateTimeOffset Created, DateTimeOffset StateSince);

    /// <summary>The running tasks of the stack, read from the manager (docker inspect of each task).</summary>
    private static async Task<List<TaskRow>> RunningTasksAsync(string stack)
    {
        var (_, ids) = await SwarmLab.DockerAsync("nodeA", "stack", "ps", stack, "-q", "--filter", "desired-state=running");
        var list = ids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length == 0) return [];
        var (_, rows) = await SwarmLab.DockerAsync("nodeA", ["inspect", "--format", "{{.ID}}|{{index .Spec.ContainerSpec.Labels \"com.docker.stack.namespace\"}}|{{.ServiceID}}|{{.NodeID}}|{{.CreatedAt.Format \"2006-01-02T15:04:05.000000000Z07:00\"}}|{{.Status.Timestamp.Format \"2006-01-02T15:04:05.000000000Z07:00\"}}|{{.Status.State}}", .. list]);
        var (_, services) = await SwarmLab.DockerAsync("nodeA", "service", "ls", "--filter", $"label=com.docker.stack.namespace={stack}", "--format", "{{.ID}} {{.Name}}");
        var (_, nodes) = await SwarmLab.DockerAsync("nodeA", "node", "ls", "--format", "{{.ID}} {{.Hostname}}");
        string Lookup(string all, string id) => all.Split('\n').Select(l => l.Trim().Split(' ')).First(p => id.StartsWith(p[0], StringComparison.Ordinal) || p[0].StartsWith(id, StringComparison.Ordinal))[1];
        return [.. rows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).Where(p => p[6] == "running")
            .Select(p => new TaskRow(p[0], Lookup(services, p[2])[(stack.Length + 1)..], Lookup(nodes, p[3]),
                DateTimeOffset.Parse(p[4], CultureInfo.InvariantCulture), DateTimeOffset.Parse(p[5], CultureInfo.InvariantCulture)))];
    }

    [Fact]
    public async Task Deploy_waits_for_every_task_in_dependency_order_spreads_replicas_and_updates_only_what_changed()
    {
        await using var p = await TestProject.CreateAsync("stack", File("1"), new Dictionary<string, string> { ["token.txt"] = "s3cret" });
        try
        {
            var deploy = await Composer(p, "stack", "deploy");
            deploy.ExitCode.Should().Be(0, deploy.ToString());
            deploy.Stderr.Should().Contain("api").And.Contain("3/3 running").And.Contain("waiting for db (service_healthy)");

            // Returned when all tasks run.
            var tasks = await RunningTasksAsync(p.Name);
            tasks.GroupBy(t => t.Service).ToDictionary(g => g.Key, g => g.Count()).Should().BeEquivalentTo(
                new Dictionary<string, int> { ["db"] = 1, ["cache"] = 1, ["api"] = 3, ["web"] = 1, ["worker"] = 1, ["client"] = 1 }, deploy.ToString());

            // In dependency order: each dependent's tasks were made after its dependencies' tasks ran (db: healthy, which
            // Swarm reports as running).
            foreach (var (dependent, dependency) in new[] { ("api", "db"), ("api", "cache"), ("web", "api"), ("worker", "cache"), ("client", "api"), ("client", "web") })
                tasks.Where(t => t.Service == dependent).Min(t => t.Created).Should().BeOnOrAfter(
                    tasks.Where(t => t.Service == dependency).Max(t => t.StateSince), $"{dependent} depends on {dependency}");

            // Spread over the three nodes.
            tasks.Where(t => t.Service == "api").Select(t => t.Node).Should().BeEquivalentTo(SwarmLab.Nodes);

            // A client on node B reaches every replica through the overlay (dnsrr: tasks.api lists each task's address).
            var (_, answers) = await SwarmLab.DockerAsync("nodeB", "run", "--rm", "--network", $"{p.Name}_default", "composer-busybox:1", "sh", "-c",
                "for ip in $(nslookup tasks.api 2>/dev/null | awk '/^Address/ && !/127.0.0.11/ {print $NF}'); do timeout 3 wget -qO- http://$ip/; done");
            answers.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(3).And.OnlyContain(l => l.Contains("s3cret conf-v1"));
            answers.Should().Contain("on nodeA").And.Contain("on nodeB").And.Contain("on nodeC");

            // A second deploy changes nothing.
            (await Composer(p, "stack", "plan")).Stdout.Should().Contain("nothing to do");
            (await Composer(p, "stack", "deploy")).ExitCode.Should().Be(0);
            (await RunningTasksAsync(p.Name)).Select(t => t.Id).Should().BeEquivalentTo(tasks.Select(t => t.Id));

            // One service's environment changed: only that service is updated.
            await System.IO.File.WriteAllTextAsync(Path.Combine(p.Directory, "compose.yaml"), File("2"));
            var plan = await Composer(p, "stack", "plan");
            plan.Stdout.Should().Contain($"update service {p.Name}_api").And.Contain("changed: environment.LEVEL");
            plan.Stdout.Split('\n').Count(l => l.StartsWith("update ", StringComparison.Ordinal) || l.StartsWith("create ", StringComparison.Ordinal)).Should().Be(1, plan.Stdout);
            var update = await Composer(p, "stack", "deploy");
            update.ExitCode.Should().Be(0, update.ToString());
            var after = await RunningTasksAsync(p.Name);
            after.Where(t => t.Service != "api").Select(t => t.Id).Should().BeEquivalentTo(tasks.Where(t => t.Service != "api").Select(t => t.Id));
            after.Where(t => t.Service == "api").Select(t => t.Id).Should().HaveCount(3).And.NotIntersectWith(tasks.Select(t => t.Id));

            var ps = await Composer(p, "stack", "ps");
            ps.Stdout.Should().Contain($"{p.Name}_api.1").And.Contain("Running");
        }
        finally
        {
            var rm = await Composer(p, "stack", "rm");
            rm.ExitCode.Should().Be(0, rm.ToString());
        }
        (await SwarmLab.DockerAsync("nodeA", "service", "ls", "-q", "--filter", $"label=com.docker.stack.namespace={p.Name}")).Output.Trim().Should().BeEmpty();
        (await SwarmLab.DockerAsync("nodeA", "network", "ls", "-q", "--filter", $"label=com.docker.stack.namespace={p.Name}")).Output.Trim().Should().BeEmpty();
    }

    [Fact]
    public async Task A_service_that_cannot_run_fails_the_deploy_with_the_task_error_and_its_dependents_are_not_created()
    {
        await using var p = await TestProject.CreateAsync("stack-fail", """
            services:
              broken:
                image: composer-busybox:1
                command: ["sh", "-c", "sleep 1; exit 3"]
                healthcheck: { test: ["CMD", "true"], interval: 5s }
                deploy: { endpoint_mode: dnsrr, restart_policy: { condition: on-failure, delay: 1s } }
              app:
                image: composer-busybox:1
                command: ["sleep", "3600"]
                depends_on: { broken: { condition: service_healthy } }
                deploy: { endpoint_mode: dnsrr }
            """);
        try
        {
            var result = await Composer(p, "stack", "deploy", "--wait-timeout", "8");
            result.ExitCode.Should().Be(1, result.ToString());
            result.Stderr.Should().Contain("service \"broken\" did not converge within 8 s: 0/1 running: task failed: task: non-zero exit (3)");
            result.Stderr.Should().Contain("service \"app\": timed out after 8 s waiting for its dependencies: broken");
            (await SwarmLab.DockerAsync("nodeA", "service", "ls", "--format", "{{.Name}}", "--filter", $"label=com.docker.stack.namespace={p.Name}")).Output.Trim()
                .Should().Be($"{p.Name}_broken");
        }
        finally
        {
            await Composer(p, "stack", "rm");
        }
    }

    [Fact]
    public async Task What_swarm_cannot_do_is_refused_with_exit_2_and_a_suggestion()
    {
        await using var p = await TestProject.CreateAsync("stack-bad", """
            services:
              db: { image: composer-busybox:1 }
              app: { image: composer-busybox:1, links: ["db:database"] }
            """);
        var result = await Composer(p, "stack", "deploy");
        result.ExitCode.Should().Be(2, result.ToString());
        result.Stderr.Should().Contain("links (db:database) do not cross Swarm nodes").And.Contain("DNS name");
    }
}
