using LineConnector.Core.Line.Api;

namespace LineConnector.Core.Channels;

/// <summary>
/// What the admin API and the command line do to channels: create (credentials checked with
/// LINE, the LINE account claimed so that it backs one channel only), update, suspend, resume,
/// delete, and replace credentials. Refusals are <see cref="DomainException"/> (credentials LINE refuses
/// included, as a field error); LINE failing is <see cref="LineApiException"/>.
/// </summary>
public sealed class ChannelAdministration(
    ChannelRepository repository, IChannelSecretWriter secrets, LineApiClient line, ChannelCache cache)
{
    public Task<StoredChannel> CreateAsync(ChannelCreateRequest request, CancellationToken cancellationToken) =>
        ForgettingAsync(request?.Id, () => CreateChannelAsync(request!, cancellationToken));

    public Task<StoredChannel> UpdateAsync(string id, ChannelSettings? settings, string ifMatch, CancellationToken cancellationToken) =>
        ForgettingAsync(id, () => UpdateChannelAsync(id, settings, ifMatch, cancellationToken));

    public Task<StoredChannel> SetStatusAsync(string id, ChannelStatus status, string ifMatch, CancellationToken cancellationToken) =>
        ForgettingAsync(id, () => SetChannelStatusAsync(id, status, ifMatch, cancellationToken));

    public Task<StoredChannel> SetCredentialsAsync(string id, ChannelCredentialsRequest? request, CancellationToken cancellationToken) =>
        ForgettingAsync(id, () => SetChannelCredentialsAsync(id, request, cancellationToken));

    /// <summary>Whatever a write changed, this instance reads the channel afresh next time.</summary>
    private async Task<StoredChannel> ForgettingAsync(string? id, Func<Task<StoredChannel>> write)
    {
        try
        {
            return await write();
        }
        finally
        {
            if (id is not null)
            {
                cache.Forget(id);
            }
        }
    }

    private async Task<StoredChannel> CreateChannelAsync(ChannelCreateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<FieldError> errors = [.. ChannelValidation.ValidateId(request.Id)];
        if (request.Settings is null)
        {
            errors.Add(new("settings", "required"));
        }
        else
        {
            errors.AddRange(ChannelValidation.Validate(request.Settings, "settings."));
        }

        errors.AddRange(ValidateCredentials(request.Credentials, "credentials."));
        if (errors.Count > 0)
        {
            throw DomainException.Invalid(errors, "The channel is not valid");
        }

        var id = request.Id!;
        var credentials = request.Credentials!;
        if (await repository.GetSummaryAsync(id, cancellationToken) is not null)
        {
            throw new DomainException(DomainError.Conflict, $"A channel with id '{id}' already exists (deleted channels keep their id).");
        }

        var bot = await FindBotAsync(credentials, cancellationToken);
        if (await repository.TryClaimAsync(ChannelTables.SecretNamePartition, ChannelSecretNames.KeyVaultId(id), id, cancellationToken) is { } sharing)
        {
            throw new DomainException(DomainError.Conflict, sharing == id
                ? $"A channel with id '{id}' already exists or is being created."
                : $"Channel id '{id}' would share Key Vault secret names with channel '{sharing}' (secret names ignore case and spell '_' as '-'); choose another id.");
        }

        try
        {
            if (await ClaimBotAsync(bot, id, cancellationToken) is { } holder)
            {
                throw AlreadyBacks(bot, holder);
            }

            var channel = new Channel(id, ChannelStatus.Active, request.Settings!, credentials.LineChannelId, bot.UserId);
            try
            {
                await repository.CreateAsync(channel, cancellationToken);
                await secrets.WriteAsync(id, ToCredentials(credentials), cancellationToken);
            }
            catch
            {
                await repository.RemoveAsync(id, CancellationToken.None);
                await repository.ReleaseAsync(ChannelTables.BotUserPartition, bot.UserId, id, CancellationToken.None);
                throw;
            }
        }
        catch
        {
            await repository.ReleaseAsync(ChannelTables.SecretNamePartition, ChannelSecretNames.KeyVaultId(id), id, CancellationToken.None);
            throw;
        }

        return await GetAsync(id, cancellationToken);
    }

    public async Task<StoredChannel> GetAsync(string id, CancellationToken cancellationToken) =>
        await repository.GetAsync(id, cancellationToken) ?? throw NotFound(id);

    private async Task<StoredChannel> UpdateChannelAsync(string id, ChannelSettings? settings, string ifMatch, CancellationToken cancellationToken)
    {
        var errors = settings is null ? [new FieldError("settings", "required")] : ChannelValidation.Validate(settings);
        if (errors.Count > 0)
        {
            throw DomainException.Invalid(errors, "The channel is not valid");
        }

        await repository.UpdateSettingsAsync(id, settings!, ifMatch, c => RefuseIfDeleted(c, "updated"), cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    /// <summary>Suspends, resumes or deletes a channel. Deleting frees its LINE account for another channel.</summary>
    private async Task<StoredChannel> SetChannelStatusAsync(string id, ChannelStatus status, string ifMatch, CancellationToken cancellationToken)
    {
        await repository.ChangeAsync(id, ifMatch, c =>
        {
            if (c.Status == ChannelStatus.Deleted && status != ChannelStatus.Deleted)
            {
                throw new DomainException(DomainError.Conflict, $"Channel '{id}' is deleted; it cannot be {(status == ChannelStatus.Active ? "resumed" : "suspended")}.");
            }

            return c with { Status = status };
        }, cancellationToken);
        var stored = await GetAsync(id, cancellationToken);
        if (status == ChannelStatus.Deleted && stored.Channel.BotUserId is { } botUserId)
        {
            await repository.ReleaseAsync(ChannelTables.BotUserPartition, botUserId, id, cancellationToken);
        }

        return stored;
    }

    /// <summary>
    /// Replaces a channel's credentials: checked with LINE, refused when they belong to a LINE
    /// account that backs another channel, written to the secret store, and the channel's bot
    /// user id and LINE channel id updated.
    /// </summary>
    private async Task<StoredChannel> SetChannelCredentialsAsync(string id, ChannelCredentialsRequest? request, CancellationToken cancellationToken)
    {
        var errors = ValidateCredentials(request, "");
        if (errors.Count > 0)
        {
            throw DomainException.Invalid(errors, "The channel is not valid");
        }

        var current = await GetAsync(id, cancellationToken);
        RefuseIfDeleted(current.Channel, "given credentials");
        var bot = await FindBotAsync(request!, cancellationToken);
        var claimed = false;
        if (bot.UserId != current.Channel.BotUserId)
        {
            if (await ClaimBotAsync(bot, id, cancellationToken) is { } holder && holder != id)
            {
                throw AlreadyBacks(bot, holder);
            }

            claimed = true;
        }

        try
        {
            await secrets.WriteAsync(id, ToCredentials(request!), cancellationToken);
            line.ForgetToken(id);
            await repository.ChangeAsync(id, "*", c => c with { BotUserId = bot.UserId, LineChannelId = request!.LineChannelId }, cancellationToken);
        }
        catch when (claimed)
        {
            await repository.ReleaseAsync(ChannelTables.BotUserPartition, bot.UserId, id, CancellationToken.None);
            throw;
        }

        if (claimed && current.Channel.BotUserId is { } previous)
        {
            await repository.ReleaseAsync(ChannelTables.BotUserPartition, previous, id, cancellationToken);
        }

        return await GetAsync(id, cancellationToken);
    }

    /// <summary>
    /// Claims the bot for <paramref name="id"/>: null when claimed, else the channel holding it. A
    /// claim left by a deleted channel (its release failed) is taken over; a holder that is not
    /// stored yet may be being created, so its claim stands.
    /// </summary>
    private async Task<string?> ClaimBotAsync(BotInfo bot, string id, CancellationToken cancellationToken)
    {
        var holder = await repository.TryClaimAsync(ChannelTables.BotUserPartition, bot.UserId, id, cancellationToken);
        if (holder is null || holder == id)
        {
            return holder;
        }

        if ((await repository.GetSummaryAsync(holder, cancellationToken))?.Status != ChannelStatus.Deleted)
        {
            return holder;
        }

        await repository.ReleaseAsync(ChannelTables.BotUserPartition, bot.UserId, holder, cancellationToken);
        return await repository.TryClaimAsync(ChannelTables.BotUserPartition, bot.UserId, id, cancellationToken);
    }

    private async Task<BotInfo> FindBotAsync(ChannelCredentialsRequest credentials, CancellationToken cancellationToken)
    {
        var credential = credentials.ChannelAccessToken is { } token
            ? LineCredential.LongLived(token)
            : LineCredential.Stateless(credentials.LineChannelId!, credentials.ChannelSecret!);
        try
        {
            return await line.GetBotInfoAsync(credential, cancellationToken);
        }
        catch (LineApiException e) when (e.Kind == LineErrorKind.InvalidCredentials)
        {
            throw DomainException.Invalid([new FieldError("credentials", e.Message)], "LINE refused the credentials");
        }
    }

    private static List<FieldError> ValidateCredentials(ChannelCredentialsRequest? credentials, string prefix)
    {
        if (credentials is null)
        {
            return [new(prefix.TrimEnd('.') is { Length: > 0 } field ? field : "credentials", "required: channelSecret, and lineChannelId or channelAccessToken")];
        }

        List<FieldError> errors = [];
        if (string.IsNullOrWhiteSpace(credentials.ChannelSecret))
        {
            errors.Add(new(prefix + "channelSecret", "required: the channel secret from the LINE Developers console (Basic settings)"));
        }

        if (credentials.ChannelAccessToken is { } token && string.IsNullOrWhiteSpace(token))
        {
            errors.Add(new(prefix + "channelAccessToken", "must not be empty; leave it out to mint stateless tokens"));
        }

        if (string.IsNullOrEmpty(credentials.LineChannelId))
        {
            if (credentials.ChannelAccessToken is null)
            {
                errors.Add(new(prefix + "lineChannelId", "required unless channelAccessToken is given: stateless tokens are minted with the LINE channel id"));
            }
        }
        else if (credentials.LineChannelId.Length > 32 || !credentials.LineChannelId.All(char.IsAsciiDigit))
        {
            errors.Add(new(prefix + "lineChannelId", "the LINE channel id is a number, e.g. 1657000000 (LINE Developers console, Basic settings)"));
        }

        return errors;
    }

    private static ChannelCredentials ToCredentials(ChannelCredentialsRequest request) => new(request.ChannelSecret!, request.ChannelAccessToken);

    private static Channel RefuseIfDeleted(Channel channel, string what) => channel.Status == ChannelStatus.Deleted
        ? throw new DomainException(DomainError.Conflict, $"Channel '{channel.Id}' is deleted; it cannot be {what}.")
        : channel;

    private static DomainException AlreadyBacks(BotInfo bot, string holder) =>
        new(DomainError.Conflict, $"The LINE account {bot.BasicId} (bot user id {bot.UserId}) already backs channel '{holder}'; one LINE account can back only one channel.");

    private static DomainException NotFound(string id) => new(DomainError.NotFound, $"There is no channel '{id}'.", title: "No such channel");
}
