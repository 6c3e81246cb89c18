using Docker.DotNet;
using Docker.DotNet.Models;

namespace Composer.IntegrationTests.Support;

/// <summary>
/// The real engine the integration tests run against. There is no skipping: with no engine, every test fails
/// loudly with what to run.
/// </summary>
public static class Engine
{
    public const string BusyboxImage = "composer-busybox:1";

    private static readonly Lazy<Task<DockerClient>> Checked = new(CheckAsync);

    public static Task<DockerClient> ClientAsync() => Checked.Value;

    private static async Task<DockerClient> CheckAsync()
    {
        var client = new DockerClientBuilder().Build();
        try
        {
            await client.System.PingAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"No Docker Engine answers ({e.GetType().Name}: {e.Message}). Integration tests need one: run scripts/engine.sh, then scripts/images.sh.", e);
        }
        try
        {
            await client.Images.InspectImageAsync(BusyboxImage);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new InvalidOperationException($"The test image {BusyboxImage} is missing: run scripts/images.sh.", e);
        }
        return client;
    }

    public static Dictionary<string, IDictionary<string, bool>> ProjectFilter(string project) =>
        new() { ["label"] = new Dictionary<string, bool> { [$"com.docker.compose.project={project}"] = true } };

    /// <summary>
    /// Removes everything labelled with the project, whatever state a failed test left it in. A removal can fail while
    /// the engine still finishes earlier work on the project (a network keeps a container whose removal is under way):
    /// so again, for up to 20 s, until a listing finds nothing.
    /// </summary>
    public static async Task RemoveProjectAsync(string project)
    {
        var client = await ClientAsync();
        var filter = ProjectFilter(project);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter });
            await Task.WhenAll(containers.Select(c => Ignore(() => client.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }))));
            var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter });
            await Task.WhenAll(networks.Select(n => Ignore(() => client.Networks.DeleteNetworkAsync(n.ID))));
            var volumes = await client.Volumes.ListAsync(new VolumesListParameters { Filters = filter });
            await Task.WhenAll((volumes.Volumes ?? []).Select(v => Ignore(() => client.Volumes.RemoveAsync(v.Name, true))));
            if (containers.Count == 0 && networks.Count == 0 && (volumes.Volumes ?? []).Count == 0 || DateTime.UtcNow > deadline) return;
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static readonly Lazy<Task<string>> Gateway = new(ResolveHostGatewayAsync);

    /// <summary>
    /// The IPv4 address the engine gives <c>host-gateway</c> (the Docker host as its containers see it), read the way
    /// the engine resolves it: from a probe container's <c>/etc/hosts</c>. The default bridge's IPAM config is no
    /// source: Engine 20.10 leaves its gateway empty when it created <c>docker0</c> itself (a machine's first start).
    /// </summary>
    public static Task<string> HostGatewayAsync() => Gateway.Value;

    private static async Task<string> ResolveHostGatewayAsync()
    {
        var client = await ClientAsync();
        // Labelled like a project, so RemoveProjectAsync cleans it up whatever happens here.
        var project = $"it-gateway-{Guid.NewGuid().ToString("n")[..8]}";
        try
        {
            var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = BusyboxImage,
                Cmd = ["cat", "/etc/hosts"],
                Labels = new Dictionary<string, string> { ["com.docker.compose.project"] = project },
                HostConfig = new HostConfig { ExtraHosts = ["composer-probe:host-gateway"] },
            });
            await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await client.Containers.WaitContainerAsync(created.ID, deadline.Token);
            using var stream = await client.Containers.GetContainerLogsAsync(created.ID, new ContainerLogsParameters { ShowStdout = true });
            var (hosts, _) = await stream.ReadOutputToEndAsync(CancellationToken.None);
            return hosts.Split('\n').Select(l => l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                .FirstOrDefault(f => f.Length >= 2 && f.Skip(1).Contains("composer-probe") && f[0].Contains('.'))?[0]
                ?? throw new InvalidOperationException($"the engine wrote no IPv4 address for host-gateway; /etc/hosts:\n{hosts}");
        }
        finally
        {
            await RemoveProjectAsync(project);
        }
    }

    /// <summary>Removes an image a test built (gone already is fine).</summary>
    public static async Task RemoveImageAsync(string image)
    {
        var client = await ClientAsync();
        await Ignore(() => client.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true }));
    }

    private static async Task Ignore(Func<Task> call)
    {
        try { await call(); } catch (DockerApiException) { }
    }
}
