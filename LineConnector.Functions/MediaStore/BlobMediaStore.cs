using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using LineConnector.Core.Media;

namespace LineConnector.Functions.MediaStore;

/// <summary>
/// Media the connector made (audio remuxed to M4A), in a blob container, handed to LINE as a read-only
/// SAS URL that expires after <see cref="MediaStoreSettings.UrlLifetime"/>. Under a managed identity the
/// SAS is a user-delegation SAS (signed with a key Azure AD gives the identity, cached for half its life);
/// with a connection string (Azurite in tests and local runs) an account-key SAS.
/// </summary>
public sealed class BlobMediaStore(BlobServiceClient service, string containerName, TimeSpan urlLifetime, TimeProvider clock) : IMediaStore
{
    private readonly BlobContainerClient _container = service.GetBlobContainerClient(containerName);

    /// <summary>How long a user delegation key is asked for; it is renewed when half of it is left.</summary>
    private static readonly TimeSpan DelegationKeyLife = TimeSpan.FromHours(6);

    private readonly SemaphoreSlim _keyGate = new(1, 1);
    private Task? _containerReady;
    private (UserDelegationKey Key, DateTimeOffset RenewAt)? _delegationKey;

    public async Task<Uri> StoreAsync(string name, Stream content, string contentType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(content);
        try
        {
            await (_containerReady ??= _container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken));
            var blob = _container.GetBlobClient(name);
            await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
            var sas = new BlobSasBuilder(BlobSasPermissions.Read, clock.GetUtcNow() + urlLifetime)
            {
                BlobContainerName = _container.Name,
                BlobName = name,
                Resource = "b",
                // A few minutes back: the clocks of LINE's servers and Azure Storage may differ.
                StartsOn = clock.GetUtcNow() - TimeSpan.FromMinutes(5),
            };
            if (blob.CanGenerateSasUri)
            {
                return blob.GenerateSasUri(sas);
            }

            var key = await DelegationKeyAsync(cancellationToken);
            return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, _container.AccountName) }.ToUri();
        }
        catch (RequestFailedException e)
        {
            _containerReady = null;
            // The status and code only: the library's message may quote the request's URL.
            throw new MediaFetchException($"the media container could not store {name} (HTTP {e.Status} {e.ErrorCode})", MediaFetchFailure.Unavailable, e);
        }
    }

    private async Task<UserDelegationKey> DelegationKeyAsync(CancellationToken cancellationToken)
    {
        await _keyGate.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            if (_delegationKey is { } cached && now < cached.RenewAt)
            {
                return cached.Key;
            }

            var key = (await service.GetUserDelegationKeyAsync(now - TimeSpan.FromMinutes(5), now + DelegationKeyLife, cancellationToken)).Value;
            _delegationKey = (key, now + (DelegationKeyLife / 2));
            return key;
        }
        finally
        {
            _keyGate.Release();
        }
    }
}
