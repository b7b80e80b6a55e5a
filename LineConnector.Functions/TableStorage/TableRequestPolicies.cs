using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace LineConnector.Functions.TableStorage;

/// <summary>Dates every try of a request (<c>x-ms-date</c>), as Table Storage requires of authorized requests.</summary>
internal sealed class TableDatePolicy(TimeProvider clock) : HttpPipelineSynchronousPolicy
{
    public const string DateHeader = "x-ms-date";

    public override void OnSendingRequest(HttpMessage message) =>
        message.Request.Headers.SetValue(DateHeader, clock.GetUtcNow().ToString("R", CultureInfo.InvariantCulture));
}

/// <summary>
/// Signs requests with the storage account key, Shared Key Lite for the Table service:
/// HMAC-SHA256 over <c>x-ms-date + "\n" + "/" + account + path</c>. With a path-style endpoint
/// (Azurite: <c>http://127.0.0.1:10002/devstoreaccount1</c>) the account name is in the path too,
/// so it appears twice, as the service expects. The key never leaves this object.
/// </summary>
internal sealed class SharedKeyLitePolicy(string accountName, byte[] accountKey) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        if (!request.Headers.TryGetValue(TableDatePolicy.DateHeader, out var date))
        {
            throw new InvalidOperationException($"A Table Storage request must carry {TableDatePolicy.DateHeader} before it is signed.");
        }

        // The path exactly as sent: escaped, without the query (no operation here uses "comp").
        var stringToSign = $"{date}\n/{accountName}{request.Uri.ToUri().AbsolutePath}";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(accountKey, Encoding.UTF8.GetBytes(stringToSign)));
        request.Headers.SetValue(HttpHeader.Names.Authorization, $"SharedKeyLite {accountName}:{signature}");
    }
}
