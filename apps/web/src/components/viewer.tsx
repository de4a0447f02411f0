'use client';
// The viewer (the signed-in user) for client components: what their role may
// do decides which controls a page shows. The server checks it again.
import { createContext, useContext, type ReactNode } from 'react';
import { allows, type Access, type Role } from '@/api/access';

export interface ViewerInfo {
  name: string;
  email: string | null;
  role: Role;
}

const ViewerContext = createContext<ViewerInfo | null>(null);

export function ViewerProvider({ viewer, children }: { viewer: ViewerInfo; children: ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

export function useViewer(): ViewerInfo {
  const v = useContext(ViewerContext);
  if (!v) throw new Error('useViewer outside ViewerProvider');
  return v;
}

/** Whether the viewer's role allows this access (to show or hide a control). */
export function useCan(access: Access): boolean {
  return allows(useViewer().role, access);
}
