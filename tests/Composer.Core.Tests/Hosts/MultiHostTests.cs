using Composer.Core.Hosts;
using Composer.Core.Model;
using Composer.Core.Planning;
using Composer.Core.Tests.TestSupport;
using Composer.Core.UseCases;

namespace Composer.Core.Tests.Hosts;

/// <summary>Issue 13: ambassadors inserted across hosts, and the host-routing engine over one fake engine per host.</summary>
public sealed class MultiHostTests
{
    private const string Yaml = LabHosts.Block + """
        services:
          db: { image: x, expose: ["5432"], networks: { default: { aliases: [database] } }, x-composer: { host: a } }
          api: { image: x, expose: ["8080"], links: [db], x-composer: { host: b } }
          web: { image: x, environment: { API: "http://api:8080/" }, x-composer: { host: c } }
        """;

    [Fact]
    public void Consumers_on_other_hosts_get_an_export_and_an_import_ambassador()
    {
        var references = CrossHostReferences.Find(TestProjects.Load(Yaml));
        references.Select(r => r.Why).Should().BeEquivalentTo("api on b links db on a", "web on c names api on b");

        var project = AmbassadorExpansion.Expand(TestProjects.Load(Yaml));
        project.Services.Keys.Should().BeEquivalentTo("api", "api-export", "api-import-c", "db", "db-export", "db-import-b", "web");

        var export = project.Services["db-export"];
        export.HostOf().Should().Be("a");
        export.Image.Should().Be(AmbassadorExpansion.Image);
        export.Environment["AMBASSADOR_TARGET"].Should().Be("db:5432");
        export.Ports.Should().Equal(new PortBinding(5432, "5432", "10.99.1.11"));
        export.DependsOn.Keys.Should().Equal("db");

        var import = project.Services["db-import-b"];
        import.HostOf().Should().Be("b");
        import.Environment["AMBASSADOR_TARGET"].Should().Be("10.99.1.11:5432");
        import.Networks["default"].Aliases.Should().Equal("db", "database");
        import.Expose.Should().Equal("5432");
        import.DependsOn.Keys.Should().Equal("db-export");
        import.Labels[HostLabels.AmbassadorWhy].Should().Be("api on b links db on a");

        // The link keeps its alias (DB_PORT_5432_TCP_ADDR), now to the local import; web waits for its import too.
        project.Services["api"].Links.Should().Equal(new Link("db-import-b", "db"));
        project.Services["api"].DependsOn.Keys.Should().Equal("db-import-b");
        project.Services["web"].DependsOn.Keys.Should().Equal("api-import-c");
        Placement.Of(project).ImportProviders.Should().Contain("db-import-b", "demo-db-1");
    }

    [Fact]
    public void A_project_on_one_host_is_left_alone()
    {
        var project = TestProjects.Load(Yaml.Replace("host: b", "host: a").Replace("host: c", "host: a"));
        AmbassadorExpansion.Expand(project).Should().BeSameAs(project);
    }

    private static (ComposeActions Actions, Dictionary<string, FakeEngine> Engines, Project Project) Hosts()
    {
        var project = AmbassadorExpansion.Expand(TestProjects.Load(Yaml));
        var engines = FakeHosts.Engines("a", "b", "c");
        var routed = new HostEngines(engines.AsPorts(), Placement.Of(project));
        return (new ComposeActions(routed, new RecordingOutput(), new CountingLocks()), engines, project);
    }

    [Fact]
    public async Task Up_puts_each_service_on_its_engine_and_down_leaves_nothing_anywhere()
    {
        var (actions, engines, project) = Hosts();
        (await actions.UpAsync(new UpRequest(project, new UpOptions()), CancellationToken.None)).Should().Be(UpOutcome.Succeeded);

        engines["a"].Containers.Keys.Should().BeEquivalentTo("demo-db-1", "demo-db-export-1");
        engines["b"].Containers.Keys.Should().BeEquivalentTo("demo-api-1", "demo-db-import-b-1", "demo-api-export-1");
        engines["c"].Containers.Keys.Should().BeEquivalentTo("demo-web-1", "demo-api-import-c-1");
        foreach (var (host, engine) in engines)
        {
            engine.Networks.Keys.Should().Equal("demo_default");
            engine.Networks["demo_default"].Labels[HostLabels.Host].Should().Be(host);
            engine.Containers.Values.Should().OnlyContain(c => c.Spec.Labels[HostLabels.Host] == host);
        }
        // The chain starts in dependency order across engines: provider, export, import, consumer.
        var startedOnB = engines["b"].Calls.Where(c => c.StartsWith("start", StringComparison.Ordinal)).ToList();
        startedOnB.IndexOf("start container demo-db-import-b-1").Should().BeLessThan(startedOnB.IndexOf("start container demo-api-1"));

        var down = await actions.DownAsync(new DownRequest(new ProjectTarget("demo", project), new DownOptions()), CancellationToken.None);
        down.Should().BeTrue();
        engines.Values.Should().OnlyContain(e => e.Containers.IsEmpty && e.Networks.IsEmpty);
    }

    [Fact]
    public async Task A_second_up_changes_nothing()
    {
        var (actions, engines, project) = Hosts();
        (await actions.UpAsync(new UpRequest(project, new UpOptions()), CancellationToken.None)).Should().Be(UpOutcome.Succeeded);
        foreach (var engine in engines.Values) engine.Calls.Clear();
        (await actions.UpAsync(new UpRequest(project, new UpOptions()), CancellationToken.None)).Should().Be(UpOutcome.Succeeded);
        engines.Values.SelectMany(e => e.Calls).Where(c => c.StartsWith("create", StringComparison.Ordinal) || c.StartsWith("remove", StringComparison.Ordinal)).Should().BeEmpty();
    }
}
