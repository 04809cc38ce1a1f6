"use client";

import { useState } from "react";
import type { ProfileDto } from "@/server/services/users/profile-service";
import { AvatarField } from "./avatar-field";
import { PasswordForm } from "./password-form";
import { ProfileForm } from "./profile-form";

/** The account page's sections, sharing one copy of the profile as it changes. */
export function AccountSettings({ initial }: { initial: ProfileDto }) {
  const [profile, setProfile] = useState(initial);
  return (
    <div className="space-y-8">
      <AvatarField profile={profile} onSaved={setProfile} />
      <ProfileForm profile={profile} onSaved={setProfile} />
      <PasswordForm hasPassword={profile.hasPassword} />
    </div>
  );
}
