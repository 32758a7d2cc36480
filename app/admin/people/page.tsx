import type { Metadata } from "next";
import { PeopleAdmin } from "./people-admin";

export const metadata: Metadata = { title: "People" };

export default function PeoplePage() {
  return <PeopleAdmin />;
}
