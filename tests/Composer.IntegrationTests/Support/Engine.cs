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

    /// <summary>Removes everything labelled with the project, whatever state a failed test left it in.</summary>
    public static async Task RemoveProjectAsync(string project)
    {
        var client = await ClientAsync();
        var filter = ProjectFilter(project);
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter });
        await Task.WhenAll(containers.Select(c => Ignore(() => client.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }))));
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter });
        await Task.WhenAll(networks.Select(n => Ignore(() => client.Networks.DeleteNetworkAsync(n.ID))));
        var volumes = await client.Volumes.ListAsync(new VolumesListParameters { Filters = filter });
        await Task.WhenAll((volumes.Volumes ?? []).Select(v => Ignore(() => client.Volumes.RemoveAsync(v.Name, true))));
    }

    private static async Task Ignore(Func<Task> call)
    {
        try { await call(); } catch (DockerApiException) { }
    }
}
