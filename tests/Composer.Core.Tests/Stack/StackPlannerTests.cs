using System.Collections.Immutable;
using Composer.Core.Graph;
using Composer.Core.Model;
using Composer.Core.Stack;
using Composer.Core.Tests.TestSupport;

namespace Composer.Core.Tests.Stack;

public class StackPlannerTests
{
    private const string File = """
        services:
          db:
            image: composer-busybox:1
            healthcheck: { test: ["CMD", "true"], interval: 1s }
            deploy: { endpoint_mode: dnsrr }
          api:
            image: composer-busybox:1
            environment: { LEVEL: "1" }
            depends_on:
              db: { condition: service_healthy }
            configs: [conf]
            deploy:
              replicas: 3
              endpoint_mode: dnsrr
              placement: { preferences: [{ spread: node.labels.host }], constraints: ["node.role == worker"] }
              resources: { limits: { cpus: "0.5", memory: 64M } }
              restart_policy: { condition: on-failure, max_attempts: 3 }
              update_config: { parallelism: 2, order: start-first }
          web:
            image: composer-busybox:1
            depends_on: [api]
            ports: [{ target: 80, published: 8080, mode: host }]
            deploy: { endpoint_mode: dnsrr }
        configs:
          conf: { content: "v1" }
        """;

    private static StackPlan PlanAgainst(Project project, ObservedStack observed, bool prune = false) =>
        StackPlanner.Plan(StackSpecBuilder.Build(project, _ => []), observed, DependencyGraph.Build(project), prune);

    /// <summary>What the Swarm would report after the spec was deployed as is.</summary>
    private static ObservedStack Deployed(StackSpec spec) => new()
    {
        Services = [.. spec.Services.Select((s, i) => new ObservedSwarmService($"id{i}", s.Name, 10, s.Labels) { Replicas = s.Replicas })],
        Networks = [.. spec.Networks.Select((n, i) => new ObservedSwarmObject($"net{i}", n.Name, n.Labels))],
        Configs = [.. spec.Files.Select((f, i) => new ObservedSwarmObject($"cfg{i}", f.Name, f.Labels))],
    };

    [Fact]
    public void First_deploy_creates_infrastructure_then_services_each_after_its_dependencies()
    {
        var plan = PlanAgainst(TestProjects.Load(File), new ObservedStack());
        plan.ToString().Should().Be("""
            create network demo_default  (missing)
            create config demo_conf  (missing)
            create service demo_api  (missing)
                after: db (service_healthy)
            create service demo_db  (missing)
            create service demo_web  (missing)
                after: api (service_started)

            """.Replace("\r", ""));
    }

    [Fact]
    public void Deploying_the_same_file_twice_changes_nothing()
    {
        var project = TestProjects.Load(File);
        var plan = PlanAgainst(project, Deployed(StackSpecBuilder.Build(project, _ => [])));
        plan.IsEmpty.Should().BeTrue(plan.ToString());
        plan.Unchanged.Should().Equal("api", "db", "web");
    }

    [Fact]
    public void A_changed_environment_updates_only_that_service_and_names_the_field()
    {
        var before = TestProjects.Load(File);
        var after = TestProjects.Load(File.Replace("LEVEL: \"1\"", "LEVEL: \"2\""));
        var plan = PlanAgainst(after, Deployed(StackSpecBuilder.Build(before, _ => [])));
        plan.ToString().Should().Be("""
            update service demo_api  (configuration changed)
                changed: environment.LEVEL
                after: db (service_healthy)

            """.Replace("\r", ""));
    }

    [Fact]
    public void A_changed_deploy_key_is_a_change_too()
    {
        var before = TestProjects.Load(File);
        var after = TestProjects.Load(File.Replace("replicas: 3", "replicas: 4"));
        var plan = PlanAgainst(after, Deployed(StackSpecBuilder.Build(before, _ => [])));
        ((UpdateStackService)plan.ServiceOperations["api"]).Changed.Should().Equal("replicas");
    }

    [Fact]
    public void Prune_removes_only_services_no_longer_in_the_file()
    {
        var project = TestProjects.Load(File);
        var deployed = Deployed(StackSpecBuilder.Build(project, _ => []));
        deployed = deployed with { Services = deployed.Services.Add(new ObservedSwarmService("old", "demo_gone", 1, ImmutableSortedDictionary<string, string>.Empty)) };
        PlanAgainst(project, deployed).IsEmpty.Should().BeTrue();
        PlanAgainst(project, deployed, prune: true).ToString().Should().Be("remove service demo_gone  (not in the compose file (--prune))\n");
    }

    [Fact]
    public void Service_specs_carry_docker_stack_names_and_labels()
    {
        var spec = StackSpecBuilder.Build(TestProjects.Load(File), _ => []);
        var api = spec.Services.Single(s => s.Model.Name == "api");
        api.Name.Should().Be("demo_api");
        api.Labels[StackLabels.Namespace].Should().Be("demo");
        api.ContainerLabels[StackLabels.Namespace].Should().Be("demo");
        api.Networks.Should().ContainSingle().Which.Should().Be(new StackAttachment("demo_default", ["api"]) { Aliases = api.Networks[0].Aliases });
        api.Networks[0].Aliases.Should().Equal("api");
        api.Configs.Should().Equal(new StackFileMount("demo_conf", "/conf", null, null, null));
        api.Model.Deploy!.SpreadPreferences.Should().Equal("node.labels.host");
        api.Model.Deploy.Limits.Should().Be(new DeployResources(500_000_000, 64 * 1024 * 1024));
        spec.Networks.Should().ContainSingle().Which.Should().Match<StackNetwork>(n => n.Driver == "overlay" && n.Attachable);
    }

    [Fact]
    public void What_a_swarm_cannot_do_is_an_error_that_says_what_to_write_instead()
    {
        var project = TestProjects.Load("""
            services:
              db: { image: composer-busybox:1 }
              app: { image: composer-busybox:1, network_mode: "service:db" }
              old: { image: composer-busybox:1, links: ["db:database"] }
            """);
        var act = () => StackSpecBuilder.Build(project, _ => []);
        var problems = act.Should().Throw<StackNotSupportedException>().Which.Problems;
        problems.Should().Contain(p => p.Contains("network_mode: service:db") && p.Contains("DNS name"));
        problems.Should().Contain(p => p.Contains("links (db:database)") && p.Contains("DNS name") && p.Contains("alias \"database\""));
    }

    [Fact]
    public void Without_ipvs_vip_mode_and_ingress_ports_are_warned_about_with_the_reason()
    {
        var project = TestProjects.Load("""
            services:
              web: { image: composer-busybox:1, ports: ["8080:80"] }
            """);
        var spec = StackSpecBuilder.Build(project, _ => [], ipvsAvailable: false);
        spec.Warnings.Should().HaveCount(2).And.OnlyContain(w => w.Contains("IPVS"));
        StackSpecBuilder.Build(project, _ => [], ipvsAvailable: true).Warnings.Should().BeEmpty();
    }
}
